package io.mailroom.delivery;

import java.time.Duration;
import java.time.Instant;

/**
 * What one delivery attempt of one recipient came to.
 *
 * @param outcome delivered, deferred (retry) or bounced (permanent)
 * @param replyCode the deciding SMTP reply code, null when there was no reply (connect failure)
 * @param text the reply text or the failure's description
 * @param host the server that answered
 */
public record AttemptResult(Outcome outcome, Integer replyCode, String enhancedCode, String text, String host,
		Instant startedAt, Duration duration, String transcript) {

	/** When the attempt ended: the server's last reply, or the failure. */
	public Instant endedAt() {
		return duration == null ? startedAt : startedAt.plus(duration);
	}

	public enum Outcome {
		DELIVERED, DEFERRED, BOUNCED
	}

}
