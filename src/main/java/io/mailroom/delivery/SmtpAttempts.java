package io.mailroom.delivery;

import java.time.Duration;
import java.time.Instant;

import io.mailroom.smtp.SmtpException;
import io.mailroom.smtp.SmtpReply;
import io.mailroom.smtp.TransactionResult;

/** Maps what the SMTP client reports to an {@link AttemptResult} (SPEC §3 "Outcomes"). */
final class SmtpAttempts {

	private SmtpAttempts() {
	}

	static AttemptResult of(TransactionResult result, String recipient, String host, Instant startedAt) {
		SmtpReply reply = result.outcomeFor(recipient);
		AttemptResult.Outcome outcome = reply.isPositive() ? AttemptResult.Outcome.DELIVERED
				: reply.isTransientFailure() ? AttemptResult.Outcome.DEFERRED : AttemptResult.Outcome.BOUNCED;
		return new AttemptResult(outcome, reply.code(), reply.enhancedCode(), reply.text(), host, startedAt,
				result.duration(), result.transcript());
	}

	/**
	 * Session failures: connection refused or reset, timeouts, TLS, 421, refused credentials defer
	 * (the recipient is not at fault); a message this server can never take bounces.
	 */
	static AttemptResult of(SmtpException ex, String host, Instant startedAt, Duration duration) {
		SmtpReply reply = ex.reply();
		boolean permanent = !ex.isTransient();
		String text = reply != null ? reply.text() : ex.getMessage();
		if (ex.kind() == SmtpException.Kind.AUTH) {
			text = "credentials refused by the relay: " + text;
		}
		return new AttemptResult(permanent ? AttemptResult.Outcome.BOUNCED : AttemptResult.Outcome.DEFERRED,
				reply == null ? null : reply.code(), reply == null ? null : reply.enhancedCode(), text, host,
				startedAt, duration, ex.transcript());
	}

}
