package io.mailroom.bounce;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link BounceReader} on a few threads of its own, with a deadline. Inbound mail comes
 * from anyone: a message built to make a parser work for minutes (deep MIME nesting, pathological
 * header lines) must cost one bounded thread for a bounded time, never a request thread or an SMTP
 * session indefinitely. A message that misses the deadline is stored unread rather than dropped.
 */
final class BoundedBounceReader implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(BoundedBounceReader.class);

	/** The report, or why there is none. */
	record Outcome(BounceReport report, String error) {

		boolean read() {
			return report != null;
		}

	}

	private final Function<byte[], BounceReport> reader;

	private final Duration timeout;

	private final ThreadPoolExecutor executor;

	BoundedBounceReader(Function<byte[], BounceReport> reader, int threads, Duration timeout) {
		this.reader = reader;
		this.timeout = timeout;
		AtomicInteger n = new AtomicInteger();
		// A short queue: when every thread is busy with hostile mail, later messages wait (within
		// their own deadline) or are stored unread, instead of piling up in memory.
		this.executor = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(64),
				r -> {
					Thread t = new Thread(r, "bounce-reader-" + n.incrementAndGet());
					t.setDaemon(true);
					return t;
				});
		this.executor.allowCoreThreadTimeOut(true);
	}

	Outcome read(byte[] raw) {
		Future<BounceReport> future;
		try {
			future = executor.submit(() -> reader.apply(raw));
		}
		catch (RejectedExecutionException ex) {
			return new Outcome(null, "not read: the bounce reader is busy");
		}
		try {
			return new Outcome(future.get(timeout.toMillis(), TimeUnit.MILLISECONDS), null);
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			log.warn("Reading an inbound message of {} bytes took longer than {}; stored unread", raw.length, timeout);
			return new Outcome(null, "not read: reading took longer than " + timeout.toMillis() + " ms");
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			log.warn("The bounce reader failed on an inbound message of {} bytes", raw.length, cause);
			return new Outcome(null, "not read: " + cause.getClass().getSimpleName());
		}
		catch (InterruptedException ex) {
			future.cancel(true);
			Thread.currentThread().interrupt();
			return new Outcome(null, "not read: interrupted");
		}
	}

	@Override
	public void close() {
		executor.shutdownNow();
	}

}
