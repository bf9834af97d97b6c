package io.mailroom.webhook;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When a failed webhook delivery is tried again: after the 1st failure the first delay of the
 * schedule, after the 2nd the second, …; after the last one the delivery gives up (by default
 * ten attempts over about three days, as Svix does). Delays are spread by ±jitter: when an
 * endpoint is down every delivery to it fails in the same second, and without spreading they
 * would all hit it again in the same second when it comes back.
 */
class RetrySchedule {

	/** A server's Retry-After is honoured up to this; beyond it the schedule decides. */
	private static final Duration MAX_RETRY_AFTER = Duration.ofHours(24);

	private final List<Duration> delays;

	private final double jitter;

	private final RandomGenerator random;

	RetrySchedule(List<Duration> delays, double jitter, RandomGenerator random) {
		this.delays = List.copyOf(delays);
		this.jitter = jitter;
		this.random = random;
	}

	/**
	 * @param failedAttempts attempts made so far, including the one that just failed (≥ 1)
	 * @param retryAfter the server's {@code Retry-After} (429 and 503 only), if it sent one
	 * @return the next attempt time, or empty when the delivery gives up
	 */
	Optional<Instant> next(int failedAttempts, Instant now, Duration retryAfter) {
		if (failedAttempts > delays.size()) {
			return Optional.empty();
		}
		Duration base = delays.get(Math.max(failedAttempts, 1) - 1);
		double factor = 1 + jitter * (2 * random.nextDouble() - 1);
		Duration delay = Duration.ofMillis(Math.round(base.toMillis() * factor));
		if (retryAfter != null) {
			// Never sooner than the server asked, nor sooner than our own backoff.
			Duration asked = retryAfter.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : retryAfter;
			delay = asked.compareTo(delay) > 0 ? asked : delay;
		}
		return Optional.of(now.plus(delay));
	}

	/**
	 * Reads a {@code Retry-After} header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
	 * @return the delay from {@code now}, or null when absent or unreadable
	 */
	static Duration parseRetryAfter(String value, Instant now) {
		if (value == null || value.isBlank()) {
			return null;
		}
		String text = value.trim();
		try {
			long seconds = Long.parseLong(text);
			return seconds < 0 ? null : Duration.ofSeconds(seconds);
		}
		catch (NumberFormatException ex) {
			// not delay-seconds: an HTTP-date
		}
		try {
			Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
			return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

}
