package io.mailroom.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.mailroom.smtp.Envelope;
import io.mailroom.smtp.SmtpConnectionPool;
import io.mailroom.smtp.SmtpException;
import io.mailroom.smtp.TransactionResult;

/**
 * Sending one recipient over a pooled SMTP session, the same in both relay modes: borrow a session
 * to the recipient's destination, run the transaction, give the session back, or drop it when it
 * ended or the server asked us to slow down. Sessions are shared by all sender threads, so a
 * session is never tied to a thread and idle ones age out in the pool.
 */
abstract class PooledRelay implements Relay {

	/** A borrowed session and what led to it. */
	record Connected(SmtpConnectionPool.Lease lease, String host, String earlierFailures) {
	}

	protected final SmtpConnectionPool pool;

	private final Clock clock;

	private final SmtpTimers timers;

	private final RelayHealthIndicator health;

	private final int staleRetries;

	/**
	 * @param staleRetries how many dead kept-alive sessions one send may meet and replace (a relay
	 * restart kills every idle session at once: the pool's limit is the most there can be)
	 */
	PooledRelay(SmtpConnectionPool pool, Clock clock, SmtpTimers timers, RelayHealthIndicator health,
			int staleRetries) {
		this.pool = pool;
		this.clock = clock;
		this.timers = timers;
		this.health = health;
		this.staleRetries = staleRetries;
	}

	/** A session to where the recipient's mail goes; connection failures are thrown. */
	protected abstract Connected connect(ClaimedRecipient recipient) throws SmtpException;

	/** The host to name in an attempt that failed before any session was set up. */
	protected abstract String hostOf(ClaimedRecipient recipient);

	@Override
	public RelaySession newSession() {
		return new RelaySession() {
			@Override
			public AttemptResult send(ClaimedRecipient recipient, String returnPath) {
				return PooledRelay.this.send(recipient, returnPath);
			}

			@Override
			public void close() {
				// sessions belong to the pool, which is closed on shutdown
			}
		};
	}

	AttemptResult send(ClaimedRecipient recipient, String returnPath) {
		Instant startedAt = clock.instant();
		long start = System.nanoTime();
		String host = hostOf(recipient);
		try {
			for (int retry = 0;; retry++) {
				Connected connected = connect(recipient);
				host = connected.host();
				boolean reused = connected.lease().connection().transactionCount() > 0;
				try {
					return timers.record(transaction(connected, recipient, returnPath, startedAt));
				}
				catch (SmtpException ex) {
					// A kept-alive session the server has dropped (restart, idle timeout) fails before
					// any reply. Nothing was accepted then, so another try on a new session is safe.
					if (!reused || !nothingReceived(ex.transcript()) || retry >= staleRetries) {
						throw withEarlierFailures(ex, connected.earlierFailures());
					}
				}
			}
		}
		catch (SmtpException ex) {
			health.failed(host, ex);
			return timers.record(SmtpAttempts.of(ex, host, startedAt, Duration.ofNanos(System.nanoTime() - start)));
		}
		catch (RuntimeException ex) {
			return new AttemptResult(AttemptResult.Outcome.DEFERRED, null, null, "internal error: " + ex, host,
					startedAt, Duration.ofNanos(System.nanoTime() - start), null);
		}
	}

	private AttemptResult transaction(Connected connected, ClaimedRecipient recipient, String returnPath,
			Instant startedAt) throws SmtpException {
		SmtpConnectionPool.Lease lease = connected.lease();
		TransactionResult result;
		try {
			result = lease.connection().send(new Envelope(returnPath, List.of(recipient.email())), recipient.mime());
		}
		catch (SmtpException ex) {
			if (ex.kind() == SmtpException.Kind.PERMANENT) {
				// refused locally before a byte was sent: the session is still good
				lease.close();
			}
			else {
				lease.discard();
			}
			throw ex;
		}
		AttemptResult attempt = SmtpAttempts.of(result, recipient.email(), connected.host(), startedAt);
		health.reached(connected.host());
		if (DestinationThrottle.signalsThrottling(attempt)) {
			// a server that asks us to slow down gets one connection fewer at once
			lease.discard();
		}
		else {
			lease.close();
		}
		if (connected.earlierFailures().isEmpty()) {
			return attempt;
		}
		return new AttemptResult(attempt.outcome(), attempt.replyCode(), attempt.enhancedCode(), attempt.text(),
				attempt.host(), attempt.startedAt(), attempt.duration(),
				connected.earlierFailures() + (attempt.transcript() == null ? "" : attempt.transcript()));
	}

	private static SmtpException withEarlierFailures(SmtpException ex, String earlierFailures) {
		if (earlierFailures.isEmpty()) {
			return ex;
		}
		return new SmtpException(ex.kind(), ex.getMessage(), ex.reply(), earlierFailures + ex.transcript(), ex);
	}

	private static boolean nothingReceived(String transcript) {
		return transcript == null || transcript.lines().noneMatch(line -> line.startsWith("S: "));
	}

}
