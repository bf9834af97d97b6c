package io.mailroom.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.mailroom.smtp.Envelope;
import io.mailroom.smtp.SmtpClient;
import io.mailroom.smtp.SmtpConnection;
import io.mailroom.smtp.SmtpException;
import io.mailroom.smtp.TransactionResult;

/**
 * Relays everything to one smarthost. Each session keeps its connection open across recipients
 * (RSET between transactions) and checks it with a probe after it has been idle.
 */
class SmarthostRelay implements Relay {

	private static final Duration PROBE_AFTER_IDLE = Duration.ofSeconds(5);

	private static final Duration MAX_IDLE = Duration.ofSeconds(60);

	private final SmtpClient client;

	private final String host;

	private final int port;

	private final Clock clock;

	private final SmtpTimers timers;

	SmarthostRelay(SmtpClient client, String host, int port, Clock clock, SmtpTimers timers) {
		this.client = client;
		this.host = host;
		this.port = port;
		this.clock = clock;
		this.timers = timers;
	}

	@Override
	public RelaySession newSession() {
		return new Session();
	}

	private final class Session implements RelaySession {

		private SmtpConnection connection;

		private long lastUsedNanos;

		@Override
		public AttemptResult send(ClaimedRecipient recipient, String returnPath) {
			Instant startedAt = clock.instant();
			long start = System.nanoTime();
			boolean reused = connection != null;
			try {
				try {
					return attempt(recipient, returnPath, startedAt);
				}
				catch (SmtpException ex) {
					close();
					// A kept-alive connection the server has dropped (restart, idle timeout) fails before
					// any reply. Nothing was accepted then, so one retry on a new connection is safe.
					if (!reused || !nothingReceived(ex.transcript())) {
						throw ex;
					}
					return attempt(recipient, returnPath, startedAt);
				}
			}
			catch (SmtpException ex) {
				close();
				return timers.record(SmtpAttempts.of(ex, host, startedAt, Duration.ofNanos(System.nanoTime() - start)));
			}
			catch (RuntimeException ex) {
				close();
				return new AttemptResult(AttemptResult.Outcome.DEFERRED, null, null, "internal error: " + ex,
						host, startedAt, Duration.ofNanos(System.nanoTime() - start), null);
			}
		}

		private AttemptResult attempt(ClaimedRecipient recipient, String returnPath, Instant startedAt)
				throws SmtpException {
			SmtpConnection c = connection();
			TransactionResult result = c.send(new Envelope(returnPath, List.of(recipient.email())), recipient.mime());
			lastUsedNanos = System.nanoTime();
			return timers.record(SmtpAttempts.of(result, recipient.email(), host, startedAt));
		}

		private static boolean nothingReceived(String transcript) {
			return transcript == null || transcript.lines().noneMatch(line -> line.startsWith("S: "));
		}

		private SmtpConnection connection() throws SmtpException {
			if (connection != null) {
				long idle = System.nanoTime() - lastUsedNanos;
				boolean usable = connection.isOpen() && idle < MAX_IDLE.toNanos()
						&& (idle < PROBE_AFTER_IDLE.toNanos() || connection.probe());
				if (!usable) {
					close();
				}
			}
			if (connection == null) {
				connection = client.connect(host, port);
				lastUsedNanos = System.nanoTime();
			}
			return connection;
		}

		@Override
		public void close() {
			if (connection != null) {
				connection.close();
				connection = null;
			}
		}

	}

}
