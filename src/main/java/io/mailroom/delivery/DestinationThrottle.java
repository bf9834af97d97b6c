package io.mailroom.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * How hard each destination may be pushed (SPEC §3): a receiving server that signals throttling
 * gets half the parallel connections (never fewer than one); successes then give one connection
 * back per {@code successesPerStep} deliveries, up to the configured maximum (additive increase,
 * multiplicative decrease, as TCP does for the same reason: back off fast, probe slowly).
 * <p>
 * A pause (no new session at all) is only for a destination that lets little through: the first
 * throttling reply of a healthy destination, and a throttling reply when such replies are at least
 * half of the destination's last {@value #WINDOW} outcomes (each pause in a row twice as long as the
 * one before). A destination that delivers most messages and pushes back now and then only loses
 * connections: pausing it each time would stop a queue that is mostly flowing. A destination is the smarthost, or in MX mode the
 * recipient's domain. Thread-safe.
 */
final class DestinationThrottle {

	/**
	 * Texts that mean "slow down" whatever the code. A bare "try again later" is not among them:
	 * greylisting and lookup failures say it too, and treating those as throttling would collapse
	 * the concurrency of every greylisting domain to one.
	 */
	private static final Pattern THROTTLING_TEXT = Pattern.compile(
			"too many (concurrent )?(connections|sessions|messages|mails|emails)|rate[- ]?limit|throttl"
					+ "|sending rate|exceeded .{0,40}rate|too (fast|frequent)|slow down",
			Pattern.CASE_INSENSITIVE);

	/** Recent outcomes (deliveries and throttling replies) that decide between fewer connections and a pause. */
	static final int WINDOW = 20;

	/** Outcomes needed before their share can start a pause. */
	static final int MIN_OUTCOMES = 5;

	private static final Pattern GREYLISTING = Pattern.compile("gr[ae]y-?list", Pattern.CASE_INSENSITIVE);

	/**
	 * @param maxConnections the limit a destination starts at and recovers to
	 * @param pause how long a destination rests after its first throttling reply
	 * @param maxPause the longest rest; the pause doubles for each throttling episode that comes
	 * before the destination has fully recovered
	 * @param successesPerStep deliveries that earn back one connection
	 */
	record Settings(int maxConnections, Duration pause, Duration maxPause, int successesPerStep) {

		Settings {
			if (maxConnections < 1 || successesPerStep < 1) {
				throw new IllegalArgumentException("maxConnections and successesPerStep must be at least 1");
			}
		}

	}

	/** What a throttling reply changed: the new connection limit and the end of the pause (null: no pause). */
	record Slowdown(int limit, Instant pausedUntil) {
	}

	private static final class State {

		int limit;

		Instant pausedUntil;

		int successes;

		/** Pauses since the destination last ran at full concurrency. */
		int strikes;

		/** Deliveries since the last slowdown (counted once its pause is over). */
		int deliveredSinceSlowdown;

		/** The last outcomes outside pauses, true for a throttling reply (a ring of {@link #WINDOW}). */
		final boolean[] recent = new boolean[WINDOW];

		int recorded;

		void record(boolean throttled) {
			recent[recorded++ % WINDOW] = throttled;
		}

		boolean mostlyThrottled() {
			int n = Math.min(recorded, WINDOW);
			if (n < MIN_OUTCOMES) {
				return false; // two replies in a row after a pause say little about a busy destination
			}
			int throttled = 0;
			for (int i = 0; i < n; i++) {
				throttled += recent[i] ? 1 : 0;
			}
			return 2 * throttled >= n;
		}

	}

	private final Settings settings;

	private final Clock clock;

	private final Map<String, State> states = new ConcurrentHashMap<>();

	DestinationThrottle(Settings settings, Clock clock) {
		this.settings = settings;
		this.clock = clock;
	}

	/**
	 * Whether a temporary failure tells us to slow down: a 421 (except 4.4.2, the server closing an
	 * idle or slow session), a 4.7.x enhanced code (Microsoft's 451 4.7.650, Gmail's 421 4.7.28,
	 * Yahoo's 421 4.7.0 TSS04) unless it is greylisting, or a reply text about rates and too many
	 * connections (SES: "454 Throttling failure").
	 */
	static boolean signalsThrottling(Integer replyCode, String enhancedCode, String text) {
		if (replyCode == null || replyCode < 400 || replyCode >= 500) {
			return false;
		}
		String status = enhancedCode == null ? "" : enhancedCode.toLowerCase(Locale.ROOT);
		String reply = text == null ? "" : text;
		if (GREYLISTING.matcher(reply).find()) {
			return false;
		}
		if (replyCode == 421) {
			return !status.equals("4.4.2");
		}
		return status.startsWith("4.7.") || THROTTLING_TEXT.matcher(reply).find();
	}

	static boolean signalsThrottling(AttemptResult result) {
		return result.outcome() == AttemptResult.Outcome.DEFERRED
				&& signalsThrottling(result.replyCode(), result.enhancedCode(), result.text());
	}

	/**
	 * A throttling reply came from the destination. Only the first one of an episode counts: the
	 * replies to sessions that were already under way when the slowdown began say nothing new, and
	 * counting each would drive the limit to one at once. An episode ends with its pause, or, without
	 * a pause, once as many deliveries as the destination has connections came after it.
	 *
	 * @return the slowdown this reply started, or empty while the destination already rests
	 */
	Optional<Slowdown> throttled(String destination) {
		Instant now = clock.instant();
		Slowdown[] started = new Slowdown[1];
		states.compute(destination, (key, state) -> {
			boolean healthy = state == null;
			State s = healthy ? fresh() : state;
			if (s.pausedUntil != null && now.isBefore(s.pausedUntil)) {
				return s;
			}
			s.record(true);
			boolean pause = healthy || s.mostlyThrottled();
			if (!pause && (s.deliveredSinceSlowdown < s.limit || s.limit == 1)) {
				return s; // a session of the same round as the last slowdown, or nothing left to take away
			}
			s.limit = Math.max(1, s.limit / 2);
			s.successes = 0;
			s.deliveredSinceSlowdown = 0;
			if (pause) {
				s.strikes++;
				s.pausedUntil = now.plus(pauseFor(s.strikes));
			}
			else {
				s.strikes = 0; // mail flows: the next pause, if one comes, starts short again
				s.pausedUntil = null;
			}
			started[0] = new Slowdown(s.limit, s.pausedUntil);
			return s;
		});
		return Optional.ofNullable(started[0]);
	}

	/**
	 * A recipient was delivered to the destination.
	 *
	 * @return the raised limit when this delivery earned a connection back
	 */
	OptionalInt delivered(String destination) {
		if (!states.containsKey(destination)) {
			// the common case: a destination that never throttled costs one map lookup
			return OptionalInt.empty();
		}
		Instant now = clock.instant();
		int[] raised = { 0 };
		states.computeIfPresent(destination, (key, s) -> {
			if (s.pausedUntil != null && now.isBefore(s.pausedUntil)) {
				// a session that began before the pause proves nothing about the new limit
				return s;
			}
			s.deliveredSinceSlowdown++;
			s.record(false);
			if (++s.successes >= settings.successesPerStep() && s.limit < settings.maxConnections()) {
				s.limit++;
				s.successes = 0;
				raised[0] = s.limit;
			}
			// back at full speed: forget the destination, so the next episode starts with a short pause
			return s.limit >= settings.maxConnections() ? null : s;
		});
		return raised[0] > 0 ? OptionalInt.of(raised[0]) : OptionalInt.empty();
	}

	/** The end of the destination's pause, if it is resting now. */
	Optional<Instant> pausedUntil(String destination) {
		State s = states.get(destination);
		Instant until = s == null ? null : s.pausedUntil;
		return until != null && clock.instant().isBefore(until) ? Optional.of(until) : Optional.empty();
	}

	/** Parallel connections the destination may have now. */
	int limit(String destination) {
		State s = states.get(destination);
		return s == null ? settings.maxConnections() : s.limit;
	}

	private State fresh() {
		State s = new State();
		s.limit = settings.maxConnections();
		return s;
	}

	private Duration pauseFor(int strikes) {
		Duration pause = settings.pause();
		for (int i = 1; i < strikes && pause.compareTo(settings.maxPause()) < 0; i++) {
			pause = pause.multipliedBy(2);
		}
		return pause.compareTo(settings.maxPause()) > 0 ? settings.maxPause() : pause;
	}

}
