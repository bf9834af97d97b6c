package io.mailroom.bounce;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A reader that hangs or breaks costs a bounded time and gives an answer, never an exception. */
class BoundedBounceReaderTests {

	private static final byte[] MESSAGE = "Subject: hello\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

	@Test
	void reportOfAWellBehavedReaderIsReturned() {
		try (BoundedBounceReader reader = new BoundedBounceReader(new BounceReader()::read, 1, Duration.ofSeconds(10))) {
			BoundedBounceReader.Outcome outcome = reader.read(MESSAGE);
			assertThat(outcome.read()).isTrue();
			assertThat(outcome.report().type()).isEqualTo(BounceReport.Type.UNKNOWN);
		}
	}

	@Test
	void readerThatNeverFinishesIsAbandonedAtTheDeadline() {
		CountDownLatch never = new CountDownLatch(1);
		try (BoundedBounceReader reader = new BoundedBounceReader(raw -> {
			// Busy, and deaf to interruption, like a runaway regular expression.
			while (never.getCount() > 0) {
				Thread.onSpinWait();
			}
			return null;
		}, 1, Duration.ofMillis(300))) {
			long start = System.nanoTime();
			BoundedBounceReader.Outcome outcome = reader.read(MESSAGE);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
			assertThat(outcome.read()).isFalse();
			assertThat(outcome.error()).contains("longer than 300 ms");

			// The only thread is still stuck: the next message waits its own deadline, then is refused.
			BoundedBounceReader.Outcome next = reader.read(MESSAGE);
			assertThat(next.read()).isFalse();
		}
		finally {
			never.countDown();
		}
	}

	@Test
	void readerThatFailsGivesTheFailureAsTheReason() {
		try (BoundedBounceReader reader = new BoundedBounceReader(raw -> {
			throw new StackOverflowError();
		}, 1, Duration.ofSeconds(10))) {
			BoundedBounceReader.Outcome outcome = reader.read(MESSAGE);
			assertThat(outcome.read()).isFalse();
			assertThat(outcome.error()).contains("StackOverflowError");
		}
	}

	@Test
	void hostileMessagesCostAtMostTheDeadline() {
		// On a loaded 2-core machine the reader needs seconds for 100,000 report parts; whatever it
		// needs, the caller has its answer once the deadline has passed.
		try (BoundedBounceReader reader = new BoundedBounceReader(new BounceReader()::read, 2, Duration.ofSeconds(5))) {
			for (byte[] hostile : List.of(HostileMail.nestedMultiparts(20_000), HostileMail.longHeaderLine(4_000_000),
					HostileMail.manyBoundaries(100_000))) {
				long start = System.nanoTime();
				BoundedBounceReader.Outcome outcome = reader.read(hostile);
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
				assertThat(outcome.read() || outcome.error().contains("longer than 5000 ms")).as(outcome.error()).isTrue();
			}
		}
	}

}
