package io.mailroom.smtp;

import java.io.IOException;

/**
 * A session-level failure: the connection could not be used (connect, timeout, TLS, protocol,
 * authentication) or the server answered a session-ending reply (421, 5xx greeting). Failures that
 * concern one transaction or one recipient are not exceptions; they are replies in a
 * {@link TransactionResult}.
 */
public class SmtpException extends IOException {

	public enum Kind {
		/** could not connect, connection refused/reset, DNS */
		CONNECT,
		/** a command or the greeting timed out */
		TIMEOUT,
		/** TLS negotiation or verification failed, or STARTTLS required but not offered */
		TLS,
		/** AUTH refused (535) or not possible */
		AUTH,
		/** the server replied something that ends the session (421, 5xx greeting, garbage) */
		PROTOCOL,
		/** the message cannot be sent to this server at all (SIZE, SMTPUTF8, 8BITMIME missing) */
		PERMANENT
	}

	private final Kind kind;

	private final SmtpReply reply;

	private final String transcript;

	public SmtpException(Kind kind, String message, SmtpReply reply, String transcript, Throwable cause) {
		super(message, cause);
		this.kind = kind;
		this.reply = reply;
		this.transcript = transcript;
	}

	public Kind kind() {
		return kind;
	}

	/** The server reply that caused the failure, or {@code null} (timeouts, I/O errors). */
	public SmtpReply reply() {
		return reply;
	}

	/** The conversation up to the failure, AUTH data redacted. */
	public String transcript() {
		return transcript;
	}

	/**
	 * Whether retrying later may succeed: everything but {@link Kind#PERMANENT} and 5xx replies.
	 * {@link Kind#AUTH} is always transient, a 535 included: refused relay credentials are the
	 * operator's problem, never the recipient's (issue 3: its recipients stay deferred).
	 */
	public boolean isTransient() {
		if (kind == Kind.AUTH) {
			return true;
		}
		return kind != Kind.PERMANENT && (reply == null || !reply.isPermanentFailure());
	}

}
