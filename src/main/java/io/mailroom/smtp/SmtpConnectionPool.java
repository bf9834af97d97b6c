package io.mailroom.smtp;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.mailroom.smtp.SmtpException.Kind;

/**
 * Reusable SMTP sessions per destination (host, port, TLS mode). A bounded number of sessions per
 * destination, idle sessions checked with NOOP before reuse once they have rested a while, closed
 * after an idle time and a maximum lifetime. Thread-safe.
 *
 * <pre>{@code
 * try (SmtpConnectionPool.Lease lease = pool.borrow(destination)) {
 *     TransactionResult result = lease.connection().send(envelope, message);
 * }   // back to the pool, or dropped if the session ended
 * }</pre>
 */
public final class SmtpConnectionPool implements AutoCloseable {

	/** Where sessions go; the TLS mode is part of the key because it changes what a session is. */
	public record Destination(String host, int port, TlsMode tlsMode) {

		public Destination {
			Objects.requireNonNull(host, "host");
			Objects.requireNonNull(tlsMode, "tlsMode");
		}

		@Override
		public String toString() {
			return host + ":" + port + " (" + tlsMode + ")";
		}

	}

	/**
	 * @param maxConnectionsPerDestination sessions open at once to one destination, in use or idle
	 * @param borrowTimeout how long {@link #borrow} waits for a session when all are in use
	 * @param idleTimeout an idle session older than this is closed (servers drop idle clients
	 * after a few minutes: Postfix smtpd after 300 s)
	 * @param maxLifetime a session is not reused after this age
	 * @param probeAfterIdle a session idle longer than this gets a NOOP before reuse; a session used
	 * a moment ago is known to be alive and the extra round trip would halve throughput
	 */
	public record Settings(int maxConnectionsPerDestination, Duration borrowTimeout, Duration idleTimeout,
			Duration maxLifetime, Duration probeAfterIdle) {

		public Settings {
			if (maxConnectionsPerDestination < 1) {
				throw new IllegalArgumentException("maxConnectionsPerDestination must be at least 1");
			}
			Objects.requireNonNull(borrowTimeout, "borrowTimeout");
			Objects.requireNonNull(idleTimeout, "idleTimeout");
			Objects.requireNonNull(maxLifetime, "maxLifetime");
			Objects.requireNonNull(probeAfterIdle, "probeAfterIdle");
		}

		/** 10 sessions (SPEC §6 {@code mailroom.relay.max-connections}), 30 s, 60 s, 10 min, 2 s. */
		public static Settings defaults() {
			return new Settings(10, Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofMinutes(10),
					Duration.ofSeconds(2));
		}

		public Settings withMaxConnectionsPerDestination(int max) {
			return new Settings(max, borrowTimeout, idleTimeout, maxLifetime, probeAfterIdle);
		}

		public Settings withBorrowTimeout(Duration timeout) {
			return new Settings(maxConnectionsPerDestination, timeout, idleTimeout, maxLifetime, probeAfterIdle);
		}

		public Settings withIdleTimeout(Duration timeout) {
			return new Settings(maxConnectionsPerDestination, borrowTimeout, timeout, maxLifetime, probeAfterIdle);
		}

		public Settings withMaxLifetime(Duration lifetime) {
			return new Settings(maxConnectionsPerDestination, borrowTimeout, idleTimeout, lifetime, probeAfterIdle);
		}

		public Settings withProbeAfterIdle(Duration idle) {
			return new Settings(maxConnectionsPerDestination, borrowTimeout, idleTimeout, maxLifetime, idle);
		}

	}

	/** A borrowed session. {@link #close()} gives it back; a session that has ended is dropped. */
	public final class Lease implements AutoCloseable {

		private final Slots slots;

		private final SmtpConnection connection;

		private boolean returned;

		private Lease(Slots slots, SmtpConnection connection) {
			this.slots = slots;
			this.connection = connection;
		}

		public SmtpConnection connection() {
			return connection;
		}

		/** Closes the session instead of returning it (e.g. after a throttling reply). */
		public void discard() {
			if (!returned) {
				returned = true;
				connection.close();
				slots.giveBack(connection);
			}
		}

		@Override
		public void close() {
			if (!returned) {
				returned = true;
				slots.giveBack(connection);
			}
		}

	}

	private record Idle(SmtpConnection connection, long sinceNanos) {
	}

	private final SmtpClientSettings clientSettings;

	private final Settings settings;

	private final Map<Destination, Slots> destinations = new ConcurrentHashMap<>();

	private final ScheduledExecutorService reaper;

	private volatile boolean closed;

	/**
	 * @param clientSettings settings for every session; each destination's TLS mode replaces
	 * {@link SmtpClientSettings#tlsMode()}
	 */
	public SmtpConnectionPool(SmtpClientSettings clientSettings, Settings settings) {
		this.clientSettings = Objects.requireNonNull(clientSettings, "clientSettings");
		this.settings = Objects.requireNonNull(settings, "settings");
		this.reaper = Executors.newSingleThreadScheduledExecutor(runnable -> {
			Thread thread = new Thread(runnable, "smtp-pool-reaper");
			thread.setDaemon(true);
			return thread;
		});
		long period = Math.max(1000, settings.idleTimeout().toMillis() / 2);
		reaper.scheduleWithFixedDelay(this::closeExpired, period, period, TimeUnit.MILLISECONDS);
	}

	/** Borrows a session to the destination, connecting by name. */
	public Lease borrow(Destination destination) throws SmtpException {
		return borrow(destination, null);
	}

	/**
	 * Borrows a session to the destination; a new one connects to {@code address} when given (MX
	 * delivery, where our own resolver chose the address), by host name otherwise.
	 *
	 * @throws SmtpException {@link Kind#TIMEOUT} when every session stays busy for the borrow
	 * timeout, or whatever connecting threw
	 */
	public Lease borrow(Destination destination, InetAddress address) throws SmtpException {
		if (closed) {
			throw new IllegalStateException("pool is closed");
		}
		Slots slots = destinations.computeIfAbsent(destination, Slots::new);
		return slots.borrow(address);
	}

	/**
	 * Changes how many sessions the destination may have, e.g. to slow down after throttling
	 * replies. Surplus sessions are closed as they come back.
	 */
	public void setConnectionLimit(Destination destination, int limit) {
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be at least 1");
		}
		destinations.computeIfAbsent(destination, Slots::new).setLimit(limit);
	}

	/** Sessions open to the destination, in use or idle. */
	public int openConnections(Destination destination) {
		Slots slots = destinations.get(destination);
		return slots == null ? 0 : slots.open();
	}

	/** Idle sessions to the destination. */
	public int idleConnections(Destination destination) {
		Slots slots = destinations.get(destination);
		return slots == null ? 0 : slots.idle();
	}

	/** Closes idle sessions past their idle timeout or lifetime; runs periodically on its own. */
	public void closeExpired() {
		for (Slots slots : destinations.values()) {
			slots.closeExpired(System.nanoTime());
		}
	}

	/** Closes every idle session; sessions in use are closed when they come back. */
	@Override
	public void close() {
		closed = true;
		reaper.shutdownNow();
		for (Slots slots : destinations.values()) {
			slots.closeIdle();
		}
	}

	/** The sessions of one destination. */
	private final class Slots {

		private final Destination destination;

		private final SmtpClient client;

		private final ReentrantLock lock = new ReentrantLock();

		private final Condition released = lock.newCondition();

		// most recently used first: warm sessions are reused, cold ones age out
		private final Deque<Idle> idle = new ArrayDeque<>();

		private int open;

		private int limit = settings.maxConnectionsPerDestination();

		Slots(Destination destination) {
			this.destination = destination;
			this.client = new SmtpClient(clientSettings.withTlsMode(destination.tlsMode()));
		}

		Lease borrow(InetAddress address) throws SmtpException {
			long deadline = System.nanoTime() + settings.borrowTimeout().toNanos();
			while (true) {
				Idle candidate = null;
				boolean mayConnect = false;
				boolean surplus = false;
				lock.lock();
				try {
					while (true) {
						candidate = idle.pollFirst();
						if (candidate != null) {
							// after a lowered limit an idle session may be one too many: close it, do not use it
							surplus = open > limit;
							break;
						}
						if (open < limit) {
							open++;
							mayConnect = true;
							break;
						}
						long remaining = deadline - System.nanoTime();
						if (remaining <= 0) {
							throw new SmtpException(Kind.TIMEOUT, "all " + limit + " connections to " + destination
									+ " stayed busy for " + settings.borrowTimeout().toSeconds() + " s", null, "", null);
						}
						released.awaitNanos(remaining);
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new SmtpException(Kind.TIMEOUT, "interrupted waiting for a connection to " + destination, null,
							"", ex);
				}
				finally {
					lock.unlock();
				}
				if (mayConnect) {
					return new Lease(this, connect(address));
				}
				if (!surplus && usable(candidate, System.nanoTime())) {
					return new Lease(this, candidate.connection());
				}
				candidate.connection().close();
				dropOne();
			}
		}

		private SmtpConnection connect(InetAddress address) throws SmtpException {
			try {
				return address != null ? client.connect(destination.host(), address, destination.port())
						: client.connect(destination.host(), destination.port());
			}
			catch (SmtpException | RuntimeException ex) {
				dropOne();
				throw ex;
			}
		}

		private boolean usable(Idle candidate, long now) {
			SmtpConnection connection = candidate.connection();
			if (!connection.isOpen() || expired(candidate, now)) {
				return false;
			}
			if (now - candidate.sinceNanos() > settings.probeAfterIdle().toNanos()) {
				return connection.probe();
			}
			return true;
		}

		private boolean expired(Idle candidate, long now) {
			return now - candidate.sinceNanos() > settings.idleTimeout().toNanos()
					|| candidate.connection().age().compareTo(settings.maxLifetime()) > 0;
		}

		void giveBack(SmtpConnection connection) {
			boolean keep = !closed && connection.isOpen() && connection.age().compareTo(settings.maxLifetime()) < 0;
			lock.lock();
			try {
				if (keep && open <= limit) {
					idle.addFirst(new Idle(connection, System.nanoTime()));
					released.signal();
					return;
				}
			}
			finally {
				lock.unlock();
			}
			connection.close();
			dropOne();
		}

		private void dropOne() {
			lock.lock();
			try {
				open--;
				released.signal();
			}
			finally {
				lock.unlock();
			}
		}

		void setLimit(int newLimit) {
			lock.lock();
			try {
				limit = newLimit;
				released.signalAll();
			}
			finally {
				lock.unlock();
			}
		}

		void closeExpired(long now) {
			List<SmtpConnection> expired = new ArrayList<>();
			lock.lock();
			try {
				for (Iterator<Idle> it = idle.iterator(); it.hasNext();) {
					Idle candidate = it.next();
					if (expired(candidate, now) || !candidate.connection().isOpen()) {
						it.remove();
						expired.add(candidate.connection());
					}
				}
			}
			finally {
				lock.unlock();
			}
			closeAll(expired);
		}

		void closeIdle() {
			List<SmtpConnection> all = new ArrayList<>();
			lock.lock();
			try {
				for (Idle candidate : idle) {
					all.add(candidate.connection());
				}
				idle.clear();
			}
			finally {
				lock.unlock();
			}
			closeAll(all);
		}

		// QUIT can take a moment: never while holding the lock
		private void closeAll(List<SmtpConnection> connections) {
			for (SmtpConnection connection : connections) {
				connection.close();
				dropOne();
			}
		}

		int open() {
			lock.lock();
			try {
				return open;
			}
			finally {
				lock.unlock();
			}
		}

		int idle() {
			lock.lock();
			try {
				return idle.size();
			}
			finally {
				lock.unlock();
			}
		}

	}

}
