package io.mailroom.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RetryScheduleTests {

	private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");

	private static final List<Duration> DEFAULT = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5),
			Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(14),
			Duration.ofHours(20), Duration.ofHours(24));

	/** Random in the middle of its range: no jitter. */
	private final RetrySchedule schedule = new RetrySchedule(DEFAULT, 0.1, fixed(0.5));

	@Test
	void followsTheScheduleAndGivesUpAfterItsLastStep() {
		assertThat(schedule.next(1, NOW, null)).contains(NOW.plusSeconds(5));
		assertThat(schedule.next(2, NOW, null)).contains(NOW.plus(Duration.ofMinutes(5)));
		assertThat(schedule.next(9, NOW, null)).contains(NOW.plus(Duration.ofHours(24)));
		assertThat(schedule.next(10, NOW, null)).isEmpty();
	}

	@Test
	void totalRetryTimeIsOverTwentyFourHours() {
		Duration total = DEFAULT.stream().reduce(Duration.ZERO, Duration::plus);
		assertThat(total).isGreaterThan(Duration.ofHours(24));
	}

	@Test
	void jitterSpreadsDelaysWithinTheConfiguredShare() {
		assertThat(new RetrySchedule(DEFAULT, 0.1, fixed(0.0)).next(2, NOW, null))
			.contains(NOW.plus(Duration.ofSeconds(270)));
		assertThat(new RetrySchedule(DEFAULT, 0.1, fixed(0.999999)).next(2, NOW, null).orElseThrow())
			.isBefore(NOW.plus(Duration.ofSeconds(330)).plusMillis(1));
	}

	@Test
	void retryAfterDelaysButNeverHastensTheNextAttempt() {
		assertThat(schedule.next(1, NOW, Duration.ofSeconds(120))).contains(NOW.plusSeconds(120));
		assertThat(schedule.next(3, NOW, Duration.ofSeconds(1))).contains(NOW.plus(Duration.ofMinutes(30)));
		assertThat(schedule.next(1, NOW, Duration.ofDays(30))).contains(NOW.plus(Duration.ofHours(24)));
	}

	private static RandomGenerator fixed(double value) {
		return new RandomGenerator() {
			@Override
			public long nextLong() {
				return 0;
			}

			@Override
			public double nextDouble() {
				return value;
			}
		};
	}

	@Test
	void retryAfterIsReadAsSecondsOrHttpDate() {
		assertThat(RetrySchedule.parseRetryAfter("120", NOW)).isEqualTo(Duration.ofSeconds(120));
		assertThat(RetrySchedule.parseRetryAfter("Sat, 28 Nov 2026 10:02:00 GMT", NOW)).isEqualTo(Duration.ofMinutes(2));
		assertThat(RetrySchedule.parseRetryAfter("Sat, 28 Nov 2026 09:00:00 GMT", NOW)).isEqualTo(Duration.ZERO);
		assertThat(RetrySchedule.parseRetryAfter("soon", NOW)).isNull();
		assertThat(RetrySchedule.parseRetryAfter("-5", NOW)).isNull();
		assertThat(RetrySchedule.parseRetryAfter(null, NOW)).isNull();
	}

}
