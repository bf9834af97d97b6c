package io.mailroom.smtp;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-stage time limits. A read limit bounds the wait for one reply; {@code dataBlock} bounds each
 * write of message data (and every other write bounds itself by the reply limit of its command).
 */
public record SmtpTimeouts(Duration connect, Duration greeting, Duration mail, Duration rcpt, Duration dataInit,
		Duration dataBlock, Duration dataTerm, Duration other) {

	public SmtpTimeouts {
		Objects.requireNonNull(connect, "connect");
		Objects.requireNonNull(greeting, "greeting");
		Objects.requireNonNull(mail, "mail");
		Objects.requireNonNull(rcpt, "rcpt");
		Objects.requireNonNull(dataInit, "dataInit");
		Objects.requireNonNull(dataBlock, "dataBlock");
		Objects.requireNonNull(dataTerm, "dataTerm");
		Objects.requireNonNull(other, "other");
	}

	/** RFC 5321 §4.5.3.2 minimums, and 30 s to connect (the RFC sets none). */
	public static SmtpTimeouts rfc5321() {
		return new SmtpTimeouts(Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMinutes(5),
				Duration.ofMinutes(5), Duration.ofMinutes(2), Duration.ofMinutes(3), Duration.ofMinutes(10),
				Duration.ofMinutes(5));
	}

	/** The same limit for every stage; handy in tests. */
	public static SmtpTimeouts uniform(Duration limit) {
		return new SmtpTimeouts(limit, limit, limit, limit, limit, limit, limit, limit);
	}

	public SmtpTimeouts withConnect(Duration connect) {
		return new SmtpTimeouts(connect, greeting, mail, rcpt, dataInit, dataBlock, dataTerm, other);
	}

	public SmtpTimeouts withGreeting(Duration greeting) {
		return new SmtpTimeouts(connect, greeting, mail, rcpt, dataInit, dataBlock, dataTerm, other);
	}

	public SmtpTimeouts withMail(Duration mail) {
		return new SmtpTimeouts(connect, greeting, mail, rcpt, dataInit, dataBlock, dataTerm, other);
	}

	public SmtpTimeouts withRcpt(Duration rcpt) {
		return new SmtpTimeouts(connect, greeting, mail, rcpt, dataInit, dataBlock, dataTerm, other);
	}

	public SmtpTimeouts withDataInit(Duration dataInit) {
		return new SmtpTimeouts(connect, greeting, mail, rcpt, dataInit, dataBlock, dataTerm, other);
	}

	public SmtpTimeouts withDataBlock(Duration dataBlock) {
		return new SmtpTimeouts(connect, greeting, mail, rcpt, dataInit, dataBlock, dataTerm, other);
	}

	public SmtpTimeouts withDataTerm(Duration dataTerm) {
		return new SmtpTimeouts(connect, greeting, mail, rcpt, dataInit, dataBlock, dataTerm, other);
	}

	public SmtpTimeouts withOther(Duration other) {
		return new SmtpTimeouts(connect, greeting, mail, rcpt, dataInit, dataBlock, dataTerm, other);
	}

}
