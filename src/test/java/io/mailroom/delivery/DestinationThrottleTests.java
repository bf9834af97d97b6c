package io.mailroom.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.IntStream;

import io.mailroom.support.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Slowing a destination down on throttling replies and speeding it up again, on a hand-moved clock. */
class DestinationThrottleTests {

	static final String GMAIL = "gmail.com";

	final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));

	final DestinationThrottle throttle = new DestinationThrottle(
			new DestinationThrottle.Settings(8, Duration.ofSeconds(30), Duration.ofMinutes(2), 3), clock);

	@Test
	void repliesThatAskUsToSlowDownAreThrottling() {
		assertThat(DestinationThrottle.signalsThrottling(421, "4.7.0", "[TSS04] Messages temporarily deferred due to unexpected volume")).isTrue();
		assertThat(DestinationThrottle.signalsThrottling(421, null, "Too many concurrent SMTP connections")).isTrue();
		assertThat(DestinationThrottle.signalsThrottling(451, "4.7.650", "The mail server has been temporarily rate limited due to IP reputation")).isTrue();
		assertThat(DestinationThrottle.signalsThrottling(421, "4.7.28", "Our system has detected an unusual rate of unsolicited mail")).isTrue();
		assertThat(DestinationThrottle.signalsThrottling(454, null, "Throttling failure: Maximum sending rate exceeded.")).isTrue();
		assertThat(DestinationThrottle.signalsThrottling(450, "4.2.1", "too many messages from your IP, slow down")).isTrue();
		assertThat(DestinationThrottle.signalsThrottling(452, null, "Too many connections from 192.0.2.1")).isTrue();
	}

	@Test
	void otherTemporaryFailuresAreNot() {
		// greylisting defers every new sender once; treating it as throttling would cut every such domain to one connection
		assertThat(DestinationThrottle.signalsThrottling(451, "4.7.1", "greylisted, try again later")).isFalse();
		assertThat(DestinationThrottle.signalsThrottling(450, "4.2.0", "Recipient address rejected: Greylisted")).isFalse();
		assertThat(DestinationThrottle.signalsThrottling(451, "4.3.0", "Temporary lookup failure, try again later")).isFalse();
		assertThat(DestinationThrottle.signalsThrottling(452, "4.2.2", "Mailbox full")).isFalse();
		assertThat(DestinationThrottle.signalsThrottling(450, "4.2.1", "The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered")).isFalse();
		// the server closing a session we left idle says nothing about our rate
		assertThat(DestinationThrottle.signalsThrottling(421, "4.4.2", "mx.example.com Error: timeout exceeded")).isFalse();
		assertThat(DestinationThrottle.signalsThrottling(550, "5.7.1", "rate limit exceeded")).isFalse();
		assertThat(DestinationThrottle.signalsThrottling(null, null, "connection refused")).isFalse();
	}

	@Test
	void aThrottlingReplyHalvesTheConnectionsAndPausesTheDestination() {
		DestinationThrottle.Slowdown slowdown = throttle.throttled(GMAIL).orElseThrow();

		assertThat(slowdown.limit()).isEqualTo(4);
		assertThat(slowdown.pausedUntil()).isEqualTo(clock.instant().plusSeconds(30));
		assertThat(throttle.limit(GMAIL)).isEqualTo(4);
		assertThat(throttle.pausedUntil(GMAIL)).contains(clock.instant().plusSeconds(30));
		assertThat(throttle.limit("example.org")).isEqualTo(8);
		assertThat(throttle.pausedUntil("example.org")).isEmpty();

		clock.advance(Duration.ofSeconds(30));
		assertThat(throttle.pausedUntil(GMAIL)).isEmpty();
		assertThat(throttle.limit(GMAIL)).isEqualTo(4);
	}

	@Test
	void repliesToSessionsAlreadyUnderWayCountOnce() {
		assertThat(throttle.throttled(GMAIL)).isPresent();
		clock.advance(Duration.ofSeconds(1));
		assertThat(throttle.throttled(GMAIL)).isEmpty();
		assertThat(throttle.throttled(GMAIL)).isEmpty();

		assertThat(throttle.limit(GMAIL)).isEqualTo(4);
		assertThat(throttle.pausedUntil(GMAIL)).contains(clock.instant().plusSeconds(29));
	}

	@Test
	void deliveriesGiveConnectionsBackOneStepAtATime() {
		throttle.throttled(GMAIL);
		// sessions that began before the pause prove nothing
		assertThat(throttle.delivered(GMAIL)).isEmpty();
		assertThat(throttle.delivered(GMAIL)).isEmpty();
		assertThat(throttle.delivered(GMAIL)).isEmpty();
		assertThat(throttle.limit(GMAIL)).isEqualTo(4);

		clock.advance(Duration.ofSeconds(31));
		assertThat(throttle.delivered(GMAIL)).isEmpty();
		assertThat(throttle.delivered(GMAIL)).isEmpty();
		assertThat(throttle.delivered(GMAIL)).hasValue(5);
		assertThat(IntStream.range(0, 3).mapToObj(i -> throttle.delivered(GMAIL)).toList())
			.last()
			.satisfies(raised -> assertThat(raised).hasValue(6));
		IntStream.range(0, 6).forEach(i -> throttle.delivered(GMAIL));

		assertThat(throttle.limit(GMAIL)).isEqualTo(8);
		assertThat(throttle.delivered(GMAIL)).isEmpty();
	}

	@Test
	void throttlingAgainBeforeRecoveringDoublesThePauseUpToTheMaximum() {
		throttle.throttled(GMAIL);
		clock.advance(Duration.ofSeconds(31));
		// the first replies after a pause are too few to judge by (MIN_OUTCOMES)
		assertThat(throttle.throttled(GMAIL)).isEmpty();
		assertThat(throttle.throttled(GMAIL)).isEmpty();
		assertThat(throttle.throttled(GMAIL)).isEmpty();

		assertThat(throttle.throttled(GMAIL).orElseThrow())
			.isEqualTo(new DestinationThrottle.Slowdown(2, clock.instant().plusSeconds(60)));
		clock.advance(Duration.ofSeconds(61));
		assertThat(throttle.throttled(GMAIL).orElseThrow())
			.isEqualTo(new DestinationThrottle.Slowdown(1, clock.instant().plusSeconds(120)));
		clock.advance(Duration.ofSeconds(121));
		assertThat(throttle.throttled(GMAIL).orElseThrow())
			.isEqualTo(new DestinationThrottle.Slowdown(1, clock.instant().plusSeconds(120)));
	}

	@Test
	void aDestinationThatMostlyDeliversLosesConnectionsButIsNotPausedAgain() {
		throttle.throttled(GMAIL); // limit 4, paused 30 s
		clock.advance(Duration.ofSeconds(31));
		// a round got through (and earned a connection back: 5)
		IntStream.range(0, 5).forEach(i -> throttle.delivered(GMAIL));
		assertThat(throttle.limit(GMAIL)).isEqualTo(5);

		DestinationThrottle.Slowdown slowdown = throttle.throttled(GMAIL).orElseThrow();

		assertThat(slowdown).isEqualTo(new DestinationThrottle.Slowdown(2, null));
		assertThat(throttle.pausedUntil(GMAIL)).isEmpty();
		// a reply from the same round (fewer deliveries since than connections) changes nothing
		throttle.delivered(GMAIL);
		assertThat(throttle.throttled(GMAIL)).isEmpty();
		assertThat(throttle.limit(GMAIL)).isEqualTo(2);
		// the next round's reply halves again, still without a pause
		throttle.delivered(GMAIL);
		assertThat(throttle.throttled(GMAIL).orElseThrow()).isEqualTo(new DestinationThrottle.Slowdown(1, null));
		// once throttling replies are half of the recent outcomes, the destination rests again
		// (4 replies and 7 deliveries so far: the third reply more makes it 7 and 7)
		assertThat(throttle.throttled(GMAIL)).isEmpty();
		assertThat(throttle.throttled(GMAIL)).isEmpty();
		assertThat(throttle.throttled(GMAIL).orElseThrow())
			.isEqualTo(new DestinationThrottle.Slowdown(1, clock.instant().plusSeconds(30)));
	}

	@Test
	void aFullyRecoveredDestinationStartsOverWithTheShortPause() {
		throttle.throttled(GMAIL);
		clock.advance(Duration.ofSeconds(31));
		IntStream.range(0, 12).forEach(i -> throttle.delivered(GMAIL));
		assertThat(throttle.limit(GMAIL)).isEqualTo(8);

		assertThat(throttle.throttled(GMAIL).orElseThrow())
			.isEqualTo(new DestinationThrottle.Slowdown(4, clock.instant().plusSeconds(30)));
	}

}
