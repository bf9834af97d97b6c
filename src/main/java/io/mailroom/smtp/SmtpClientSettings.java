package io.mailroom.smtp;

import java.util.Objects;

import javax.net.ssl.SSLContext;

/**
 * How an {@link SmtpClient} talks to servers.
 *
 * @param heloName the name sent with EHLO/HELO (a fully qualified host name, RFC 5321 §4.1.1.1)
 * @param tlsMode how the session is protected
 * @param username AUTH user name, or {@code null} for no AUTH
 * @param password AUTH password (ignored without a user name)
 * @param allowPlaintextAuth whether credentials may be sent over an unencrypted session
 * @param sslContext trust (and optionally client keys) for TLS; {@code null} means the JVM default
 * trust store
 * @param verifyHostname whether the server certificate must name the host we connected to
 * @param timeouts per-stage time limits
 */
public record SmtpClientSettings(String heloName, TlsMode tlsMode, String username, String password,
		boolean allowPlaintextAuth, SSLContext sslContext, boolean verifyHostname, SmtpTimeouts timeouts) {

	public SmtpClientSettings {
		Objects.requireNonNull(heloName, "heloName");
		if (heloName.isBlank() || heloName.chars().anyMatch(c -> c <= ' ' || c > 126)) {
			throw new IllegalArgumentException("invalid HELO name: " + heloName);
		}
		Objects.requireNonNull(tlsMode, "tlsMode");
		Objects.requireNonNull(timeouts, "timeouts");
	}

	/**
	 * Opportunistic STARTTLS with certificate and host-name verification against the JVM trust
	 * store, no AUTH, RFC 5321 timeouts.
	 */
	public static SmtpClientSettings defaults(String heloName) {
		return new SmtpClientSettings(heloName, TlsMode.STARTTLS_OPPORTUNISTIC, null, null, false, null, true,
				SmtpTimeouts.rfc5321());
	}

	public SmtpClientSettings withTlsMode(TlsMode tlsMode) {
		return new SmtpClientSettings(heloName, tlsMode, username, password, allowPlaintextAuth, sslContext,
				verifyHostname, timeouts);
	}

	public SmtpClientSettings withCredentials(String username, String password) {
		return new SmtpClientSettings(heloName, tlsMode, username, password, allowPlaintextAuth, sslContext,
				verifyHostname, timeouts);
	}

	public SmtpClientSettings withAllowPlaintextAuth(boolean allowPlaintextAuth) {
		return new SmtpClientSettings(heloName, tlsMode, username, password, allowPlaintextAuth, sslContext,
				verifyHostname, timeouts);
	}

	public SmtpClientSettings withSslContext(SSLContext sslContext) {
		return new SmtpClientSettings(heloName, tlsMode, username, password, allowPlaintextAuth, sslContext,
				verifyHostname, timeouts);
	}

	public SmtpClientSettings withVerifyHostname(boolean verifyHostname) {
		return new SmtpClientSettings(heloName, tlsMode, username, password, allowPlaintextAuth, sslContext,
				verifyHostname, timeouts);
	}

	public SmtpClientSettings withTimeouts(SmtpTimeouts timeouts) {
		return new SmtpClientSettings(heloName, tlsMode, username, password, allowPlaintextAuth, sslContext,
				verifyHostname, timeouts);
	}

	/**
	 * Encryption without authentication (RFC 7435 opportunistic security): any certificate is
	 * accepted. Meant for MX delivery, where many receiving servers present certificates that do
	 * not name the MX host and refusing them would only push the mail back to plaintext.
	 */
	public SmtpClientSettings withoutCertificateVerification() {
		return new SmtpClientSettings(heloName, tlsMode, username, password, allowPlaintextAuth,
				TlsSockets.acceptingAnyCertificate(), false, timeouts);
	}

	boolean hasCredentials() {
		return username != null;
	}

	@Override
	public String toString() {
		// never print the password
		return "SmtpClientSettings[heloName=" + heloName + ", tlsMode=" + tlsMode + ", username=" + username
				+ ", allowPlaintextAuth=" + allowPlaintextAuth + ", verifyHostname=" + verifyHostname + ", timeouts="
				+ timeouts + "]";
	}

}
