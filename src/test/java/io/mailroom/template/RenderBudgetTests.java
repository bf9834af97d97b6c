package io.mailroom.template;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The render timeout stops runaway templates, not sound ones on a busy machine: a valid message must
 * not get a permanent 422 because the accepting thread waited for a core.
 */
class RenderBudgetTests {

	@Test
	void renderingThatWaitsForACoreIsNotRefused() {
		RenderBudget budget = new RenderBudget(Duration.ofMillis(100), Long.MAX_VALUE);

		String result = budget.enforce(() -> {
			pause(Duration.ofMillis(400)); // off the CPU, as a descheduled thread is
			checks(budget); // the clocks are read on one of them
			return "rendered";
		});

		assertThat(result).isEqualTo("rendered");
	}

	@Test
	void renderingThatBurnsCpuPastTheTimeoutIsRefused() {
		RenderBudget budget = new RenderBudget(Duration.ofMillis(100), Long.MAX_VALUE);
		long started = System.nanoTime();

		assertThatThrownBy(() -> budget.enforce(() -> {
			long spins = 0;
			while (true) {
				spins++;
				budget.check();
				if (spins < 0) {
					return spins;
				}
			}
		})).isInstanceOf(RenderBudget.Exceeded.class).hasMessageContaining("100 ms");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
	}

	/** The clocks are read on every 16th check only; a rendering that ends right after overrunning is refused all the same. */
	@Test
	void renderingThatOverrunsJustBeforeItEndsIsRefused() {
		RenderBudget budget = new RenderBudget(Duration.ofMillis(50), Long.MAX_VALUE);

		assertThatThrownBy(() -> budget.enforce(() -> {
			long until = System.nanoTime() + Duration.ofMillis(600).toNanos();
			long spins = 0;
			while (System.nanoTime() < until) {
				spins++; // CPU, with no check on the way
			}
			budget.check();
			return spins;
		})).isInstanceOf(RenderBudget.Exceeded.class);
	}

	/**
	 * The thread's CPU clock is a system call: a rendering far inside its timeout reads it once, at
	 * the start, however many checks it makes over however many milliseconds.
	 */
	@Test
	void renderingFarInsideItsTimeoutReadsTheCpuClockOnce() {
		RenderBudget budget = new RenderBudget(Duration.ofSeconds(10), Long.MAX_VALUE);

		String result = budget.enforce(() -> {
			long until = System.nanoTime() + Duration.ofMillis(20).toNanos();
			while (System.nanoTime() < until) {
				checks(budget);
			}
			return "rendered";
		});

		assertThat(result).isEqualTo("rendered");
		// 0 where the JVM does not measure thread CPU time
		assertThat(budget.cpuReads).isLessThanOrEqualTo(1);
	}

	@Test
	void renderingThatWaitsFarLongerThanTheTimeoutIsStillRefused() {
		RenderBudget budget = new RenderBudget(Duration.ofMillis(20), Long.MAX_VALUE);

		assertThatThrownBy(() -> budget.enforce(() -> {
			pause(Duration.ofMillis(20L * RenderBudget.WALL_CLOCK_FACTOR + 200));
			checks(budget);
			return "rendered";
		})).isInstanceOf(RenderBudget.Exceeded.class);
	}

	/** As many checks as a rendering makes between two readings of the clocks. */
	private static void checks(RenderBudget budget) {
		for (int i = 0; i < RenderBudget.CLOCK_EVERY; i++) {
			budget.check();
		}
	}

	private static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
