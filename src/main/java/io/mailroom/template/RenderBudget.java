package io.mailroom.template;

import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.AbstractList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Time and output limits of one rendering. Thymeleaf cannot be interrupted, so the limits are
 * checked where a template spends its effort: every expression evaluation, every loop iteration
 * over a list the sandbox handed out, and every character written. A nested {@code th:each} over
 * a large list therefore fails after the deadline instead of occupying a thread for hours.
 *
 * <p>The timeout counts the rendering thread's CPU time where the JVM measures it: a runaway
 * template burns CPU, while a sound one on a busy machine mostly waits for a core, and refusing
 * that one would turn load into a permanent 422 for a valid message. A wall-clock backstop of
 * {@value #WALL_CLOCK_FACTOR} times the timeout still bounds a rendering that waits for ever.
 * Neither uses the injected clock: they measure work, not time of day.
 */
final class RenderBudget {

	private static final ThreadLocal<RenderBudget> CURRENT = new ThreadLocal<>();

	private static final RenderBudget UNLIMITED = new RenderBudget(Duration.ofDays(365), Long.MAX_VALUE);

	static final int WALL_CLOCK_FACTOR = 10;

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private static final boolean CPU_TIME = THREADS.isCurrentThreadCpuTimeSupported()
			&& THREADS.isThreadCpuTimeEnabled();

	private final Duration timeout;

	private final long wallDeadline;

	private final long maxOutputChars;

	private long cpuDeadline = Long.MAX_VALUE;

	private static final long CPU_CHECK_NANOS = 500_000;

	private long lastCpuCheck = System.nanoTime();

	/** The thread's CPU time at {@link #lastCpuCheck}. */
	private long lastCpu;

	/** Readings of the thread's CPU clock so far (for tests). */
	int cpuReads;

	private long written;

	/** A power of two. */
	static final int CLOCK_EVERY = 16;

	private int checks;

	RenderBudget(Duration timeout, long maxOutputChars) {
		this.timeout = timeout;
		long wall = timeout.toNanos() > Long.MAX_VALUE / WALL_CLOCK_FACTOR ? Long.MAX_VALUE / 2
				: timeout.toNanos() * (CPU_TIME ? WALL_CLOCK_FACTOR : 1);
		this.wallDeadline = System.nanoTime() + wall;
		this.maxOutputChars = maxOutputChars;
	}

	static RenderBudget current() {
		RenderBudget b = CURRENT.get();
		return b != null ? b : UNLIMITED;
	}

	/** Runs {@code work} on this thread with this budget in force. */
	<T> T enforce(Supplier<T> work) {
		RenderBudget previous = CURRENT.get();
		CURRENT.set(this);
		if (CPU_TIME && cpuDeadline == Long.MAX_VALUE) {
			lastCpuCheck = System.nanoTime();
			lastCpu = THREADS.getCurrentThreadCpuTime();
			cpuReads++;
			cpuDeadline = lastCpu + Math.min(timeout.toNanos(), Long.MAX_VALUE / 4);
		}
		try {
			T result = work.get();
			// the last checks before the end may have skipped the clocks: an overrun is refused
			// however few checks followed it
			checkClocks(true);
			return result;
		}
		finally {
			if (previous == null) {
				CURRENT.remove();
			}
			else {
				CURRENT.set(previous);
			}
		}
	}

	void check() {
		// Thymeleaf writes in small pieces and a template evaluates many small expressions: even
		// the monotonic clock, read on each of them, was 3 % of all CPU under ingest load. The
		// clocks are read on every CLOCK_EVERY-th check; the work between two reads is a few
		// writes or expression evaluations.
		if (this == UNLIMITED || (++checks & (CLOCK_EVERY - 1)) != 0) {
			return;
		}
		checkClocks(false);
	}

	private void checkClocks(boolean readCpu) {
		long now = System.nanoTime();
		if (now - wallDeadline > 0) {
			throw exceeded();
		}
		// The thread's CPU clock is a system call (about a microsecond), and Thymeleaf writes in
		// small pieces: it is read at most every CPU_CHECK_NANOS of wall time, and only once the
		// last reading plus the wall time since could have reached the deadline (a thread cannot
		// use more CPU time than the wall time that passes). Most renderings end long before their
		// timeout and read it once, at the start.
		if (CPU_TIME && cpuDeadline != Long.MAX_VALUE && (readCpu || now - lastCpuCheck >= CPU_CHECK_NANOS)
				&& lastCpu + (now - lastCpuCheck) > cpuDeadline) {
			lastCpuCheck = now;
			lastCpu = THREADS.getCurrentThreadCpuTime();
			cpuReads++;
			if (lastCpu > cpuDeadline) {
				throw exceeded();
			}
		}
	}

	private Exceeded exceeded() {
		return new Exceeded("rendering took longer than " + timeout.toMillis() + " ms");
	}

	/** A place for one rendering's output that counts it against this budget. */
	Output output(int capacity) {
		return new Output(capacity);
	}

	/**
	 * The rendered text, counted against the output limit as it is written, and the budget checked
	 * on every write. A {@code StringWriter} would lock its {@code StringBuffer} on each of
	 * Thymeleaf's many small writes and copy a string char by char; this appends whole strings.
	 */
	final class Output extends Writer {

		private final StringBuilder text;

		private Output(int capacity) {
			this.text = new StringBuilder(capacity);
		}

		private void count(int len) {
			written += len;
			if (written > maxOutputChars) {
				throw new Exceeded("rendered output exceeds " + maxOutputChars + " characters");
			}
			check();
		}

		@Override
		public void write(char[] cbuf, int off, int len) {
			count(len);
			text.append(cbuf, off, len);
		}

		@Override
		public void write(String str, int off, int len) {
			count(len);
			if (off == 0 && len == str.length()) {
				text.append(str);
			}
			else {
				text.append(str, off, off + len);
			}
		}

		@Override
		public void write(int c) {
			count(1);
			text.append((char) c);
		}

		@Override
		public void flush() {
		}

		@Override
		public void close() {
		}

		@Override
		public String toString() {
			return text.toString();
		}

	}

	/** A read-only view of {@code list} whose iteration checks the budget of the current rendering. */
	static List<Object> guarded(List<?> list) {
		if (list instanceof Guarded g) {
			return g;
		}
		return new Guarded(list);
	}

	/** A limit was hit; the rendering is abandoned. */
	static final class Exceeded extends RuntimeException {

		Exceeded(String message) {
			super(message);
		}

	}

	private static final class Guarded extends AbstractList<Object> {

		private final List<?> list;

		Guarded(List<?> list) {
			this.list = list;
		}

		@Override
		public Object get(int index) {
			current().check();
			return list.get(index);
		}

		@Override
		public int size() {
			return list.size();
		}

		@Override
		public Iterator<Object> iterator() {
			Iterator<?> it = list.iterator();
			return new Iterator<>() {
				@Override
				public boolean hasNext() {
					return it.hasNext();
				}

				@Override
				public Object next() {
					current().check();
					return it.next();
				}
			};
		}

	}

}
