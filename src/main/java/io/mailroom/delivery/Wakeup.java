package io.mailroom.delivery;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** A signal the dispatcher waits on: new work was notified, or a sender freed capacity. */
final class Wakeup {

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition signalled = lock.newCondition();

	private boolean pending;

	void wake() {
		lock.lock();
		try {
			pending = true;
			signalled.signalAll();
		}
		finally {
			lock.unlock();
		}
	}

	/** Waits until woken or the timeout passes; a wake that came before the wait counts. */
	void await(Duration timeout) throws InterruptedException {
		lock.lock();
		try {
			long nanos = timeout.toNanos();
			while (!pending && nanos > 0) {
				nanos = signalled.awaitNanos(nanos);
			}
			pending = false;
		}
		finally {
			lock.unlock();
		}
	}

	static void sleep(Duration duration) throws InterruptedException {
		TimeUnit.NANOSECONDS.sleep(duration.toNanos());
	}

}
