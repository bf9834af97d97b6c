package io.mailroom.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.mailroom.common.HostName;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The delivery worker. A dispatcher thread claims due recipients in batches (woken by NOTIFY, else
 * polling) and hands them to sender threads, one per parallel SMTP connection, in priority order.
 * On shutdown senders finish the recipient in hand and unsent claims are released, so another
 * instance (or the next start) takes them at once rather than after the lease.
 * <p>
 * Each send is paced by the {@link DestinationThrottle}: a recipient of a destination that is
 * resting after throttling is postponed without an attempt, and a throttling reply halves the
 * destination's connections and pauses its queue.
 */
@Component
public class DeliveryWorker implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);

	private final DeliveryProperties properties;

	private final RelayProperties relayProperties;

	private final RecipientClaims claims;

	private final DeliveryRecorder recorder;

	private final Relay relay;

	private final DestinationThrottle throttle;

	private final VerpAddress verp;

	private final Clock clock;

	private final List<MessageFinisher> finishers;

	private final String workerId = HostName.local() + "/" + ProcessHandle.current().pid() + "/"
			+ UUID.randomUUID().toString().substring(0, 8);

	private final Wakeup wakeup = new Wakeup();

	/**
	 * How many claim batches may be claimed and not yet recorded. Claims are paced by the senders'
	 * queue; results wait for the recorder, whose transactions slow down when the database does
	 * (a checkpoint's full-page writes made them several times slower under a 500 msg/s load).
	 * Senders keep sending meanwhile and the recorder catches up with larger batches, instead of
	 * the whole pipeline waiting for each transaction. The bound keeps what a crash leaves sent
	 * but unrecorded (sent again after the lease) to a few batches.
	 */
	private static final int UNRECORDED_BATCHES = 4;

	/** Claimed recipients not yet recorded: waiting for a sender, being sent, or awaiting the recorder. */
	private final AtomicInteger pending = new AtomicInteger();

	private SendQueue queue;

	private final LinkedBlockingQueue<DeliveryRecorder.Result> results = new LinkedBlockingQueue<>();

	private final List<Thread> threads = new ArrayList<>();

	private Thread recorderThread;

	private volatile boolean running;

	/** Set once every sender has stopped: then the recorder finishes what is left and ends. */
	private volatile boolean sendersDone;

	private final Counter slowdowns;

	private final Counter pauses;

	DeliveryWorker(DeliveryProperties properties, RelayProperties relayProperties, RecipientClaims claims,
			DeliveryRecorder recorder, Relay relay, DestinationThrottle throttle, VerpAddress verp, Clock clock,
			List<MessageFinisher> finishers, MeterRegistry meters) {
		this.finishers = List.copyOf(finishers);
		this.slowdowns = slowdownCounter(meters, false);
		this.pauses = slowdownCounter(meters, true);
		this.properties = properties;
		this.relayProperties = relayProperties;
		this.claims = claims;
		this.recorder = recorder;
		this.relay = relay;
		this.throttle = throttle;
		this.verp = verp;
		this.clock = clock;
	}

	private static Counter slowdownCounter(MeterRegistry meters, boolean pause) {
		return Counter.builder("mailroom.delivery.slowdowns")
			.description("Throttling replies that cost a destination connections")
			.tag("pause", Boolean.toString(pause))
			.register(meters);
	}

	/** New work was committed (NOTIFY) or may be due: claim now rather than at the next poll. */
	public void wake() {
		wakeup.wake();
	}

	public String workerId() {
		return workerId;
	}

	@Override
	public void start() {
		if (!properties.enabled()) {
			return;
		}
		running = true;
		sendersDone = false;
		int senders = senders();
		// each thread gets this start's queue: one that outlived an earlier stop keeps its own
		SendQueue queue = new SendQueue(Math.max(properties.batchSize(), senders), properties.queueBytes().toBytes(),
				wakeup::wake);
		this.queue = queue;
		for (int i = 0; i < senders; i++) {
			threads.add(startThread("mailroom-sender-" + i, () -> sendLoop(queue)));
		}
		threads.add(startThread("mailroom-dispatcher", () -> dispatchLoop(queue)));
		recorderThread = startThread("mailroom-recorder", this::recordLoop);
		log.info("Delivery worker {} started with {} sender(s)", workerId, senders);
	}

	private int senders() {
		return Math.max(1, properties.senders() != null ? properties.senders() : relayProperties.maxConnections());
	}

	private void dispatchLoop(SendQueue queue) {
		int unrecordedLimit = UNRECORDED_BATCHES * Math.max(properties.batchSize(), senders());
		Duration backoff = properties.pollInterval();
		while (running) {
			try {
				int free = Math.min(queue.room(), unrecordedLimit - pending.get());
				if (free < queue.refill() || !queue.hasRoom() || smarthostResting()) {
					// Woken by the sender that makes room in the queue, by the recorder (results
					// recorded: fewer unrecorded claims), by NOTIFY, or the poll interval.
					if (!queue.hasRoom() && queue.wantRoom()) {
						continue;
					}
					wakeup.await(properties.pollInterval());
					continue;
				}
				Instant now = clock.instant();
				long byteRoom = Math.max(1, queue.byteRoom());
				List<ClaimedRecipient> claimed = claims.claim(workerId, free, byteRoom, now,
						now.plus(properties.lease()));
				long bytes = 0;
				for (ClaimedRecipient r : claimed) {
					pending.incrementAndGet();
					queue.add(r);
					bytes += r.size();
				}
				backoff = properties.pollInterval();
				// A claim cut short by its bytes left work due: the next round waits for the
				// senders to make room. One that found less due work than it could take waits
				// for NOTIFY or the poll.
				if (claimed.size() < free && bytes < byteRoom) {
					wakeup.await(properties.pollInterval());
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				// The database is unreachable or restarting: keep trying, slower.
				log.warn("Claiming work failed ({}); retrying in {}", ex.getMessage(), backoff);
				try {
					Wakeup.sleep(backoff);
				}
				catch (InterruptedException ie) {
					Thread.currentThread().interrupt();
					return;
				}
				backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10)
						: backoff.multipliedBy(2);
			}
		}
	}

	private void sendLoop(SendQueue queue) {
		try (Relay.RelaySession session = relay.newSession()) {
			while (running) {
				ClaimedRecipient recipient = queue.poll(200, TimeUnit.MILLISECONDS);
				if (recipient == null) {
					continue;
				}
				deliver(session, recipient);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * In smarthost mode every recipient goes to one destination: while it rests there is nothing to
	 * claim. (In MX mode a resting domain's queue is paused in the database instead.)
	 */
	private boolean smarthostResting() {
		return relay.onlyDestination().flatMap(throttle::pausedUntil).isPresent();
	}

	private void deliver(Relay.RelaySession session, ClaimedRecipient recipient) {
		if (recipient.test()) {
			results.add(new DeliveryRecorder.Result(recipient.withMime(null), sandboxed(recipient)));
			return;
		}
		String destination = relay.destination(recipient);
		Optional<Instant> resting = throttle.pausedUntil(destination);
		if (resting.isPresent()) {
			results.add(DeliveryRecorder.Result.postponed(recipient.withMime(null), resting.get()));
			return;
		}
		AttemptResult result = send(session, recipient);
		pace(destination, recipient, result);
		// the recorder needs no body: results wait for it without theirs
		results.add(new DeliveryRecorder.Result(recipient.withMime(null), result));
	}

	private AttemptResult send(Relay.RelaySession session, ClaimedRecipient recipient) {
		try {
			return session.send(finished(recipient), verp.forRecipient(recipient.id()));
		}
		catch (RuntimeException ex) {
			log.error("Sending recipient {} failed unexpectedly", recipient.id(), ex);
			return new AttemptResult(AttemptResult.Outcome.DEFERRED, null, null, "internal error: " + ex, null,
					clock.instant(), Duration.ZERO, null);
		}
	}

	/** A throttling reply slows the destination down; deliveries speed it up again, step by step. */
	private void pace(String destination, ClaimedRecipient recipient, AttemptResult result) {
		if (result.outcome() == AttemptResult.Outcome.DELIVERED) {
			throttle.delivered(destination).ifPresent(limit -> relay.limitConnections(destination, limit));
		}
		else if (DestinationThrottle.signalsThrottling(result)) {
			throttle.throttled(destination).ifPresent(slowdown -> slowDown(destination, slowdown, result));
		}
	}

	private void slowDown(String destination, DestinationThrottle.Slowdown slowdown, AttemptResult reply) {
		relay.limitConnections(destination, slowdown.limit());
		(slowdown.pausedUntil() == null ? slowdowns : pauses).increment();
		if (slowdown.pausedUntil() == null) {
			log.info("{} asked us to slow down ({} {}): {} connection(s) at most", destination, reply.replyCode(),
					reply.text(), slowdown.limit());
			return;
		}
		log.info("{} asked us to slow down ({} {}): {} connection(s) at most, queue paused until {}", destination,
				reply.replyCode(), reply.text(), slowdown.limit(), slowdown.pausedUntil());
		if (relay.onlyDestination().isPresent()) {
			return;
		}
		try {
			claims.pauseDomain(destination, slowdown.pausedUntil(), clock.instant());
		}
		catch (RuntimeException ex) {
			// this instance still holds the domain back in memory; only other instances miss the pause
			log.warn("Could not pause the queue of {} in the database ({})", destination, ex.getMessage());
		}
	}

	/**
	 * Records results in batches: whatever the senders finished since the last round goes into one
	 * transaction, so recording keeps up with many parallel SMTP connections.
	 */
	private void recordLoop() {
		List<DeliveryRecorder.Result> batch = new ArrayList<>();
		while (!(sendersDone && results.isEmpty())) {
			try {
				DeliveryRecorder.Result first = results.poll(200, TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				batch.add(first);
				results.drainTo(batch, 499);
				record(batch);
				pending.addAndGet(-batch.size());
				batch.clear();
				wakeup.wake();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private ClaimedRecipient finished(ClaimedRecipient recipient) {
		byte[] message = recipient.mime();
		for (MessageFinisher finisher : finishers) {
			message = finisher.finish(recipient, message);
		}
		return message == recipient.mime() ? recipient : recipient.withMime(message);
	}

	/** Test-mode keys: everything happens as if delivered, but no SMTP connection is opened. */
	private AttemptResult sandboxed(ClaimedRecipient recipient) {
		return new AttemptResult(AttemptResult.Outcome.DELIVERED, 250, "2.0.0",
				"test mode: accepted, not sent", null, clock.instant(), Duration.ZERO, null);
	}

	/**
	 * Recording is retried through a database outage (a restart takes seconds): giving up would
	 * leave the recipients claimed until the lease expires and then send them a second time.
	 */
	private void record(List<DeliveryRecorder.Result> batch) throws InterruptedException {
		Duration backoff = Duration.ofMillis(200);
		long giveUpAt = System.nanoTime() + properties.lease().toNanos();
		while (true) {
			try {
				recorder.recordAll(workerId, batch, clock.instant());
				return;
			}
			catch (RuntimeException ex) {
				if (System.nanoTime() - giveUpAt > 0) {
					log.error("Could not record {} attempt(s); they are retried after their lease", batch.size(), ex);
					return;
				}
				log.warn("Recording {} attempt(s) failed ({}); retrying in {}", batch.size(), ex.getMessage(), backoff, ex);
				Wakeup.sleep(backoff);
				backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5)
						: backoff.multipliedBy(2);
			}
		}
	}

	@Override
	public void stop() {
		if (!running) {
			return;
		}
		running = false;
		wakeup.wake();
		for (Thread thread : threads) {
			try {
				// Senders finish the recipient in hand; SMTP timeouts bound how long that takes.
				thread.join(Duration.ofSeconds(30).toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		threads.clear();
		sendersDone = true;
		if (recorderThread != null) {
			try {
				// Results of the recipients sent before the stop are recorded, not lost.
				recorderThread.join(Duration.ofSeconds(30).toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		List<UUID> unsent = queue.drain().stream().map(ClaimedRecipient::id).toList();
		try {
			int released = claims.release(workerId, unsent, clock.instant());
			log.info("Delivery worker {} stopped; released {} unsent claim(s)", workerId, released);
		}
		catch (RuntimeException ex) {
			log.warn("Could not release {} claim(s); they are picked up after their lease", unsent.size(), ex);
		}
		pending.set(0);
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	private static Thread startThread(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

}
