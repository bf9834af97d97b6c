package io.mailroom.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to try a deferred recipient again. The delay grows along the ladder and then repeats its
 * last step. Each delay is spread by ±jitter: recipients deferred together (a relay outage defers
 * thousands in the same second) would otherwise all come back in the same instant and stampede
 * the relay on every retry round.
 */
public class RetryLadder {

	private final List<Duration> ladder;

	private final Duration maxAge;

	private final double jitter;

	private final RandomGenerator random;

	public RetryLadder(DeliveryProperties.Retry settings, RandomGenerator random) {
		if (settings.ladder().isEmpty()) {
			throw new IllegalArgumentException("mailroom.delivery.retry.ladder must have at least one step");
		}
		this.ladder = List.copyOf(settings.ladder());
		this.maxAge = settings.maxAge();
		this.jitter = settings.jitter();
		this.random = random;
	}

	/**
	 * @param failedAttempts attempts made so far, including the one that just failed (≥ 1)
	 * @param acceptedAt when the message was accepted
	 * @return the next attempt time, or empty when the recipient has reached its maximum age
	 */
	public Optional<Instant> next(int failedAttempts, Instant now, Instant acceptedAt) {
		Instant giveUpAt = acceptedAt.plus(maxAge);
		if (!now.isBefore(giveUpAt)) {
			return Optional.empty();
		}
		Duration base = ladder.get(Math.min(Math.max(failedAttempts, 1), ladder.size()) - 1);
		double factor = 1 + jitter * (2 * random.nextDouble() - 1);
		Instant next = now.plusMillis(Math.round(base.toMillis() * factor));
		// One last attempt at the maximum age rather than giving up early.
		return Optional.of(next.isAfter(giveUpAt) ? giveUpAt : next);
	}

}
