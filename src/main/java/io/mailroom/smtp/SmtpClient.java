package io.mailroom.smtp;

import java.net.InetAddress;
import java.util.Objects;

/**
 * Opens SMTP sessions with one set of {@link SmtpClientSettings}. Immutable and thread-safe; the
 * sessions it opens are not.
 */
public final class SmtpClient {

	private final SmtpClientSettings settings;

	public SmtpClient(SmtpClientSettings settings) {
		this.settings = Objects.requireNonNull(settings, "settings");
	}

	public SmtpClientSettings settings() {
		return settings;
	}

	/**
	 * Connects, reads the greeting, sends EHLO (HELO when EHLO is refused), then STARTTLS and AUTH
	 * as the settings ask.
	 */
	public SmtpConnection connect(String host, int port) throws SmtpException {
		return SmtpConnection.open(settings, host, null, port);
	}

	/**
	 * Connects to an address already resolved (MX delivery), while {@code host} is still the name
	 * used for TLS SNI, certificate checks and messages.
	 */
	public SmtpConnection connect(String host, InetAddress address, int port) throws SmtpException {
		return SmtpConnection.open(settings, host, Objects.requireNonNull(address, "address"), port);
	}

}
