package io.mailroom.smtp;

/** How a session is protected (SPEC §6 {@code mailroom.relay.tls}). */
public enum TlsMode {

	/** Plaintext; STARTTLS is never attempted. */
	NONE,

	/**
	 * STARTTLS when the server offers it (RFC 3207), plaintext when it does not or answers 454. A
	 * failed handshake or certificate check ends the session with a TLS failure (SPEC §5: deferred).
	 */
	STARTTLS_OPPORTUNISTIC,

	/** STARTTLS must be offered and succeed, or the session ends with a TLS failure. */
	STARTTLS_REQUIRED,

	/** TLS from the first byte (RFC 8314, usually port 465). */
	IMPLICIT

}
