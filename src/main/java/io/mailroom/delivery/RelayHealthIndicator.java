package io.mailroom.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import io.mailroom.smtp.SmtpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code relay} component of {@code /actuator/health}: whether the relay could be reached
 * lately and when it last refused our credentials. It is deliberately not part of the readiness
 * group: with the relay down this instance still accepts and queues mail, which is its job.
 * <p>
 * What the senders saw is reported as is. In smarthost mode, when nothing was sent for a while,
 * the indicator opens a session itself (connect, TLS, AUTH, QUIT), at most once per interval, so
 * that a wrong password or an unreachable relay shows before the first message is queued.
 */
final class RelayHealthIndicator implements HealthIndicator {

	private static final Logger log = LoggerFactory.getLogger(RelayHealthIndicator.class);

	/** What an active check does; {@code null} in MX mode, where there is no single relay to ask. */
	@FunctionalInterface
	interface ReachabilityCheck {

		/** Opens and closes a session; returns the host reached. */
		String run() throws SmtpException;

	}

	private record Observation(Instant at, String host, String detail) {

		Map<String, Object> details() {
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("at", at.toString());
			if (host != null) {
				details.put("host", host);
			}
			if (detail != null) {
				details.put("reason", detail);
			}
			return details;
		}

	}

	private static final Duration WARN_INTERVAL = Duration.ofMinutes(1);

	private final String mode;

	private final String target;

	private final ReachabilityCheck check;

	private final Duration checkAfter;

	private final int failuresForDown;

	private final Clock clock;

	private final AtomicInteger consecutiveFailures = new AtomicInteger();

	private final ReentrantLock checking = new ReentrantLock();

	private volatile Observation lastSuccess;

	private volatile Observation lastFailure;

	private volatile Observation lastAuthFailure;

	private volatile Instant lastAuthWarning;

	private volatile Instant lastCheck;

	/**
	 * @param target what the relay is, for the details ({@code host:port}, or {@code MX})
	 * @param check the active check, or null
	 * @param checkAfter how old the last observation may be before an active check runs
	 * @param failuresForDown consecutive failed sessions that make the relay DOWN (1 for a
	 * smarthost; more in MX mode, where one unreachable domain says nothing about us)
	 */
	RelayHealthIndicator(String mode, String target, ReachabilityCheck check, Duration checkAfter, int failuresForDown,
			Clock clock) {
		this.mode = mode;
		this.target = target;
		this.check = check;
		this.checkAfter = checkAfter;
		this.failuresForDown = failuresForDown;
		this.clock = clock;
	}

	/** A session was set up and a transaction answered. */
	void reached(String host) {
		consecutiveFailures.set(0);
		lastSuccess = new Observation(clock.instant(), host, null);
	}

	/**
	 * A session could not be set up or broke off. Local refusals (SIZE, SMTPUTF8) and undeliverable
	 * domains say nothing about the relay and are ignored.
	 */
	void failed(String host, SmtpException failure) {
		if (failure.kind() == SmtpException.Kind.PERMANENT) {
			return;
		}
		Instant now = clock.instant();
		consecutiveFailures.incrementAndGet();
		lastFailure = new Observation(now, host, failure.getMessage());
		if (failure.kind() == SmtpException.Kind.AUTH) {
			lastAuthFailure = new Observation(now, host, failure.getMessage());
			warnAboutCredentials(host, failure, now);
		}
	}

	// Every sender meets the refusal on every new session: one line a minute says it well enough.
	private void warnAboutCredentials(String host, SmtpException failure, Instant now) {
		Instant last = lastAuthWarning;
		if (last != null && now.isBefore(last.plus(WARN_INTERVAL))) {
			return;
		}
		lastAuthWarning = now;
		if (failure.reply() != null && failure.reply().code() == 535) {
			// the reply code only: the user name and password never go to the log
			log.warn("{}: relay refused the credentials ({}{}); recipients stay deferred until they are fixed", host,
					failure.reply().code(),
					failure.reply().enhancedCode() == null ? "" : " " + failure.reply().enhancedCode());
		}
		else {
			log.warn("{}: relay AUTH not possible: {}; recipients stay deferred", host, failure.getMessage());
		}
	}

	@Override
	public Health health() {
		checkIfQuiet();
		Observation success = lastSuccess;
		Observation failure = lastFailure;
		Health.Builder health;
		if (success == null && failure == null) {
			health = Health.unknown();
		}
		else if (consecutiveFailures.get() >= failuresForDown) {
			health = Health.down();
		}
		else {
			health = Health.up();
		}
		health.withDetail("mode", mode).withDetail("target", target);
		if (success != null) {
			health.withDetail("lastSuccess", success.details());
		}
		if (failure != null) {
			health.withDetail("lastFailure", failure.details());
		}
		Observation auth = lastAuthFailure;
		if (auth != null) {
			health.withDetail("lastAuthFailure", auth.details());
		}
		return health.build();
	}

	private void checkIfQuiet() {
		if (check == null) {
			return;
		}
		Instant now = clock.instant();
		Instant newest = latest(latest(lastSuccess == null ? null : lastSuccess.at(),
				lastFailure == null ? null : lastFailure.at()), lastCheck);
		if (newest != null && now.isBefore(newest.plus(checkAfter))) {
			return;
		}
		// concurrent health requests share one check rather than each opening a session
		if (!checking.tryLock()) {
			return;
		}
		try {
			lastCheck = now;
			reached(check.run());
		}
		catch (SmtpException ex) {
			failed(target, ex);
		}
		finally {
			checking.unlock();
		}
	}

	private static Instant latest(Instant a, Instant b) {
		if (a == null) {
			return b;
		}
		return b == null || a.isAfter(b) ? a : b;
	}

}
