package io.mailroom.delivery;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Claimed recipients waiting for a sender, in priority order (then in claim order), and the
 * dispatcher's signal that there is room for another claim.
 * <p>
 * The queue is bounded by recipients and by MIME bytes (a backlog of large messages must not fill the
 * heap). The dispatcher claims when there is room for half of each. When it finds the queue too
 * full it asks for room ({@link #wantRoom()}), and the sender whose take makes that room wakes it.
 * Without that signal the dispatcher only claimed again after the recorder's next transaction, and
 * under a drain the senders ran the queue dry in the meantime: a benchmark drain left a sixth of
 * the machine idle.
 */
final class SendQueue {

	private record Job(ClaimedRecipient recipient, long sequence) {
	}

	private final PriorityBlockingQueue<Job> jobs = new PriorityBlockingQueue<>(256,
			Comparator.comparingInt((Job j) -> j.recipient().priority()).thenComparingLong(Job::sequence));

	private final AtomicLong sequence = new AtomicLong();

	private final AtomicBoolean roomWanted = new AtomicBoolean();

	private final AtomicLong bytes = new AtomicLong();

	private final int capacity;

	private final int refill;

	private final long maxBytes;

	private final Runnable onRoom;

	/**
	 * @param capacity recipients the queue holds
	 * @param maxBytes MIME bytes the queue holds (one message more may be in it: a claim takes at
	 * least one)
	 * @param onRoom called (on a sender's thread) when a take makes the room the dispatcher asked for
	 */
	SendQueue(int capacity, long maxBytes, Runnable onRoom) {
		this.capacity = capacity;
		this.refill = Math.max(1, capacity / 2);
		this.maxBytes = maxBytes;
		this.onRoom = onRoom;
	}

	/** How many recipients fit before the queue is at capacity. */
	int room() {
		return capacity - jobs.size();
	}

	/** How many MIME bytes fit (negative when one large message went beyond the bound). */
	long byteRoom() {
		return maxBytes - bytes.get();
	}

	/** The room worth a claim: half the capacity. */
	int refill() {
		return refill;
	}

	/** Whether there is room for a claim: half the recipients and half the bytes. */
	boolean hasRoom() {
		return room() >= refill && byteRoom() >= maxBytes / 2;
	}

	void add(ClaimedRecipient recipient) {
		bytes.addAndGet(recipient.size());
		jobs.add(new Job(recipient, sequence.incrementAndGet()));
	}

	/**
	 * Asks to be told (through {@code onRoom}) once there is room for a claim; returns whether there
	 * already is, in which case nobody is told. Called before waiting, so that a take between the
	 * caller's last look and its wait is not missed.
	 */
	boolean wantRoom() {
		roomWanted.set(true);
		if (hasRoom()) {
			roomWanted.set(false);
			return true;
		}
		return false;
	}

	/** The most urgent recipient, waiting up to the timeout for one; {@code null} if none came. */
	ClaimedRecipient poll(long timeout, TimeUnit unit) throws InterruptedException {
		Job job = jobs.poll(timeout, unit);
		if (job == null) {
			return null;
		}
		bytes.addAndGet(-job.recipient().size());
		if (roomWanted.get() && hasRoom() && roomWanted.compareAndSet(true, false)) {
			onRoom.run();
		}
		return job.recipient();
	}

	/** Empties the queue (shutdown): the recipients no sender took. */
	List<ClaimedRecipient> drain() {
		List<ClaimedRecipient> left = new ArrayList<>();
		Job job;
		while ((job = jobs.poll()) != null) {
			bytes.addAndGet(-job.recipient().size());
			left.add(job.recipient());
		}
		return left;
	}

}
