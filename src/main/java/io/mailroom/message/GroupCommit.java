package io.mailroom.message;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores what many request threads hand in with few transactions. A request thread submits its
 * item and waits; a writer thread takes everything waiting (up to {@code maxGroup}) and stores it
 * with one call of {@code store}, which runs one transaction. The request is answered only after
 * that transaction committed, so nothing is acknowledged that is not durable; under load one
 * commit (and one round trip per statement) serves dozens of requests instead of one. When
 * nothing else is waiting, a group is one item and no time is spent waiting for company.
 * <p>
 * A group that fails is retried item by item, so one item the database refuses does not fail the
 * others of its group.
 */
final class GroupCommit<T, R> implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

	private record Pending<T, R>(T item, CompletableFuture<R> result) {
	}

	private final BlockingQueue<Pending<T, R>> queue = new LinkedBlockingQueue<>();

	private final Function<List<T>, List<R>> store;

	private final int maxGroup;

	private final List<Thread> writers = new ArrayList<>();

	private final IntConsumer sizes;

	private final Predicate<RuntimeException> itemSpecific;

	private volatile boolean closed;

	/**
	 * @param store stores a group in one transaction and returns one result per item, in order
	 * @param writers writer threads: each stores one group at a time
	 * @param sizes told the size of each group stored (for the metrics)
	 * @param itemSpecific whether a failure may be caused by one item (then the group's items are
	 * stored one by one); a failure that is not (the database is unreachable) fails the whole group
	 * at once instead of once per item
	 */
	GroupCommit(String name, Function<List<T>, List<R>> store, int writers, int maxGroup, IntConsumer sizes,
			Predicate<RuntimeException> itemSpecific) {
		this.store = store;
		this.itemSpecific = itemSpecific;
		this.maxGroup = maxGroup;
		this.sizes = sizes;
		for (int i = 0; i < writers; i++) {
			Thread writer = new Thread(this::run, name + "-" + (i + 1));
			writer.setDaemon(true);
			this.writers.add(writer);
			writer.start();
		}
	}

	/**
	 * Stores the item with others and returns its result once their transaction committed.
	 * @throws RuntimeException what {@code store} threw for this item
	 */
	R submit(T item, Duration timeout) {
		if (closed) {
			throw new IllegalStateException("The service is shutting down");
		}
		CompletableFuture<R> result = new CompletableFuture<>();
		queue.add(new Pending<>(item, result));
		try {
			return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException(ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while the message was being stored", ex);
		}
		catch (TimeoutException ex) {
			// The writer may still commit it: the caller is told it failed and retries with its
			// Idempotency-Key, or gets a second copy without one, as with any lost response.
			throw new IllegalStateException("The message was not stored within " + timeout.toSeconds() + " s", ex);
		}
	}

	private void run() {
		List<Pending<T, R>> group = new ArrayList<>(maxGroup);
		while (!closed || !queue.isEmpty()) {
			try {
				Pending<T, R> first = queue.poll(200, TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				group.add(first);
				queue.drainTo(group, maxGroup - 1);
				storeGroup(group);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			catch (RuntimeException | Error ex) {
				// storeGroup completes every future; this is a last resort so that no caller waits forever.
				group.forEach(p -> p.result().completeExceptionally(ex));
				log.error("Group commit writer failed", ex);
			}
			finally {
				group.clear();
			}
		}
	}

	private void storeGroup(List<Pending<T, R>> group) {
		sizes.accept(group.size());
		try {
			List<R> results = store.apply(group.stream().map(Pending::item).toList());
			for (int i = 0; i < group.size(); i++) {
				group.get(i).result().complete(results.get(i));
			}
			return;
		}
		catch (RuntimeException ex) {
			if (group.size() == 1 || !itemSpecific.test(ex)) {
				group.forEach(p -> p.result().completeExceptionally(ex));
				return;
			}
			log.debug("A group of {} failed ({}); storing its items one by one", group.size(), ex.toString());
		}
		for (Pending<T, R> pending : group) {
			try {
				pending.result().complete(store.apply(List.of(pending.item())).get(0));
			}
			catch (RuntimeException ex) {
				pending.result().completeExceptionally(ex);
			}
		}
	}

	/** Stores what was submitted, then stops the writers. */
	@Override
	public void close() {
		closed = true;
		for (Thread writer : writers) {
			try {
				writer.join(10_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

}
