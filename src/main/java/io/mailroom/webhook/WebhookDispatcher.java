package io.mailroom.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.mailroom.common.HostName;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Sends webhooks. One dispatcher thread fans new events out of the outbox into deliveries and
 * claims due deliveries (woken by NOTIFY, else polling); a pool of sender threads makes the HTTP
 * attempts. On shutdown the senders finish the request in hand (bounded by the timeout) and claims
 * not yet started are released, so the next instance sends them at once.
 */
@Component
class WebhookDispatcher implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

	/** The lag gauge is refreshed this often: one cheap query, not one per scrape. */
	private static final Duration LAG_REFRESH = Duration.ofSeconds(10);

	private final WebhookProperties properties;

	private final WebhookQueue queue;

	private final WebhookSender sender;

	private final WebhookRecorder recorder;

	private final Clock clock;

	private final String workerId = HostName.local() + "/" + ProcessHandle.current().pid() + "/"
			+ UUID.randomUUID().toString().substring(0, 8);

	private final Object signal = new Object();

	private final AtomicInteger inFlight = new AtomicInteger();

	private boolean woken;

	private volatile double lagSeconds;

	private long lagRefreshedAt;

	private volatile boolean running;

	private ExecutorService senders;

	private Thread dispatcher;

	WebhookDispatcher(WebhookProperties properties, WebhookQueue queue, WebhookSender sender,
			WebhookRecorder recorder, Clock clock, MeterRegistry meters) {
		this.properties = properties;
		this.queue = queue;
		this.sender = sender;
		this.recorder = recorder;
		this.clock = clock;
		if (properties.dispatch()) {
			Gauge.builder("mailroom.webhook.lag", this, d -> d.lagSeconds)
				.description("Age of the oldest webhook work that is due and not yet sent")
				.baseUnit("seconds")
				.register(meters);
		}
	}

	/** Events were committed or deliveries queued: look now rather than at the next poll. */
	void wake() {
		synchronized (signal) {
			woken = true;
			signal.notifyAll();
		}
	}

	@Override
	public void start() {
		if (!properties.dispatch() || running) {
			return;
		}
		running = true;
		AtomicInteger threadNumber = new AtomicInteger();
		senders = new ThreadPoolExecutor(properties.concurrency(), properties.concurrency(), 0, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), task -> {
					Thread thread = new Thread(task, "mailroom-webhook-" + threadNumber.getAndIncrement());
					thread.setDaemon(true);
					return thread;
				});
		dispatcher = new Thread(this::dispatchLoop, "mailroom-webhook-dispatcher");
		dispatcher.setDaemon(true);
		dispatcher.start();
		log.info("Webhook dispatcher {} started with {} sender(s)", workerId, properties.concurrency());
	}

	private void dispatchLoop() {
		Duration backoff = properties.pollInterval();
		while (running) {
			try {
				Instant now = clock.instant();
				refreshLag(now);
				boolean outboxDrained = queue.fanOut(properties.batchSize(), now) < properties.batchSize();
				// Up to twice the senders' number are claimed, so that the senders find the next
				// request waiting while the dispatcher claims more, and a claim is made for at least
				// a sender's worth of deliveries: claiming one at a time as each request ends made
				// the claim query, not the endpoint, the limit (10 deliveries/s catching up after an
				// outage). A claimed delivery waits here at most about two timeouts, well inside its
				// lease (at least two timeouts).
				int window = 2 * properties.concurrency();
				int held = inFlight.get();
				int free = window - held;
				boolean worthClaiming = held == 0 || free >= properties.concurrency();
				int claimed = worthClaiming ? dispatch(free, now) : 0;
				backoff = properties.pollInterval();
				if ((outboxDrained && claimed < free) || !worthClaiming) {
					await(properties.pollInterval());
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				// The database is unreachable or restarting: keep trying, slower.
				log.warn("Webhook dispatch failed ({}); retrying in {}", ex.getMessage(), backoff);
				try {
					await(backoff);
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

	private int dispatch(int free, Instant now) {
		List<ClaimedDelivery> claimed = queue.claim(workerId, free, now, now.plus(properties.lease()));
		for (ClaimedDelivery delivery : claimed) {
			inFlight.incrementAndGet();
			senders.execute(new SendTask(delivery));
		}
		return claimed.size();
	}

	/** One attempt of one delivery, on a sender thread. */
	private final class SendTask implements Runnable {

		private final ClaimedDelivery delivery;

		SendTask(ClaimedDelivery delivery) {
			this.delivery = delivery;
		}

		@Override
		public void run() {
			try {
				WebhookSender.Attempt attempt = sender.send(delivery);
				recorder.record(workerId, delivery, attempt, clock.instant());
			}
			catch (RuntimeException ex) {
				// Not recorded: the delivery is sent again when its lease runs out (same webhook-id).
				log.warn("Could not record webhook delivery {}; it is retried after its lease", delivery.id(), ex);
			}
			finally {
				inFlight.decrementAndGet();
				wake();
			}
		}

	}

	private void refreshLag(Instant now) {
		long tick = System.nanoTime();
		if (lagRefreshedAt != 0 && tick - lagRefreshedAt < LAG_REFRESH.toNanos()) {
			return;
		}
		lagRefreshedAt = tick;
		lagSeconds = queue.lagSeconds(now);
	}

	private void await(Duration timeout) throws InterruptedException {
		synchronized (signal) {
			long deadline = System.nanoTime() + timeout.toNanos();
			while (!woken) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					break;
				}
				TimeUnit.NANOSECONDS.timedWait(signal, left);
			}
			woken = false;
		}
	}

	@Override
	public void stop() {
		if (!running) {
			return;
		}
		running = false;
		wake();
		try {
			dispatcher.join(Duration.ofSeconds(5).toMillis());
			senders.shutdown();
			// Requests in hand finish: the timeout bounds them.
			senders.awaitTermination(properties.timeout().toSeconds() + 5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		List<UUID> unsent = new ArrayList<>();
		for (Runnable task : senders.shutdownNow()) {
			if (task instanceof SendTask send) {
				unsent.add(send.delivery.id());
			}
		}
		try {
			int released = queue.release(workerId, unsent);
			log.info("Webhook dispatcher {} stopped; released {} unsent claim(s)", workerId, released);
		}
		catch (RuntimeException ex) {
			log.warn("Could not release {} webhook claim(s); they are retried after their lease", unsent.size(), ex);
		}
		inFlight.set(0);
	}

	@Override
	public boolean isRunning() {
		return running;
	}

}
