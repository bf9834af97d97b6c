package io.mailroom.smtp;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Java sockets have no write timeout: a server that stops reading blocks a write for ever once the
 * send buffer is full. One daemon thread for the whole JVM closes the socket of any connection
 * whose current write has passed its deadline, which makes the blocked write fail.
 */
final class WriteWatchdog {

	private static final long TICK_MILLIS = 250;

	private static final Set<SmtpConnection> watched = ConcurrentHashMap.newKeySet();

	private static volatile boolean started;

	private WriteWatchdog() {
	}

	static void watch(SmtpConnection connection) {
		watched.add(connection);
		if (!started) {
			start();
		}
	}

	static void forget(SmtpConnection connection) {
		watched.remove(connection);
	}

	private static synchronized void start() {
		if (started) {
			return;
		}
		Thread thread = new Thread(WriteWatchdog::run, "smtp-write-watchdog");
		thread.setDaemon(true);
		thread.start();
		started = true;
	}

	private static void run() {
		while (true) {
			try {
				TimeUnit.MILLISECONDS.sleep(TICK_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			long now = System.nanoTime();
			for (SmtpConnection connection : watched) {
				connection.abortWriteIfOverdue(now);
			}
		}
	}

}
