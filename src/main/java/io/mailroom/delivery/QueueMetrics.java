package io.mailroom.delivery;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Queue gauges from a few cheap queries on a timer (not one query per scrape and status):
 * {@code mailroom.queue.depth{status}} and {@code mailroom.queue.oldest.age}, how long the
 * longest-waiting undelivered recipient has waited since it first became due (accepted, or its
 * {@code sendAt}). A deferred recipient keeps its age while it waits out a retry delay: counting
 * from its next attempt would make it look fresh after every failure, and the age alert would never
 * fire while the relay is down. Scheduled recipients are not old before they are due.
 * <p>
 * The cost must not grow with the backlog's size beyond a count: the gauges are refreshed most
 * during an outage or a burst, when the database has the least to spare. (Joining every waiting
 * recipient with its message took 250 ms of three PostgreSQL processes every 10 s with 300,000
 * queued.) The oldest age reads waiting recipients in creation order and stops as soon as the
 * next one was created after the oldest start found: a recipient's wait never starts before its
 * creation.
 */
@Component
class QueueMetrics {

	private static final Logger log = LoggerFactory.getLogger(QueueMetrics.class);

	static final List<String> STATUSES = List.of("scheduled", "queued", "deferred", "sending");

	private static final int OLDEST_PAGE = 100;

	/** Pages read in creation order before the oldest wait is taken from an aggregate instead. */
	int maxPages = 10;

	/**
	 * The depth count reads the whole backlog (~90 ms of one PostgreSQL process per 300,000
	 * waiting). On a small machine that burst, every interval, showed in the API's p99 latency; so
	 * after a count that took {@code d}, the next waits at least {@value #COUNT_COST_FACTOR} × d
	 * (the counting then costs at most 0.2 % of one core). A small backlog is still counted on every
	 * refresh; the oldest age is read on every refresh whatever the backlog.
	 */
	static final int COUNT_COST_FACTOR = 500;

	/** {@link System#nanoTime()} before which the depth is not counted again. */
	private long nextCount = System.nanoTime();

	/*
	 * The message's sendAt as a subquery per row read, not a join: a join let the planner, with
	 * statistics from when the table was smaller, hash the whole message table (185 ms per call
	 * during an ingest benchmark) to read a page of 100 recipients.
	 */
	private static final String SEND_AT = "(select m.send_at from message m where m.id = r.message_id)";

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	private final Clock clock;

	private final Map<String, AtomicLong> depth = new ConcurrentHashMap<>();

	private final AtomicLong oldestAgeSeconds = new AtomicLong();

	QueueMetrics(JdbcClient jdbc, TransactionTemplate transactions, Clock clock, MeterRegistry meters) {
		this.jdbc = jdbc;
		// one snapshot for all the gauges' statements, as when they were one statement
		this.transactions = new TransactionTemplate(transactions.getTransactionManager());
		this.transactions.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
		this.transactions.setReadOnly(true);
		this.clock = clock;
		for (String status : STATUSES) {
			AtomicLong value = new AtomicLong();
			depth.put(status, value);
			Gauge.builder("mailroom.queue.depth", value, AtomicLong::get)
				.description("Recipients waiting, by status")
				.tag("status", status)
				.register(meters);
		}
		Gauge.builder("mailroom.queue.oldest.age", oldestAgeSeconds, AtomicLong::get)
			.description("How long the longest-waiting due recipient has been waiting")
			.baseUnit("seconds")
			.register(meters);
		// Every outcome exists from the start, so dashboards and alert rates show 0 rather than no data.
		for (String outcome : List.of("delivered", "deferred", "bounced", "failed", "suppressed")) {
			Counter.builder("mailroom.deliveries").tag("outcome", outcome).register(meters);
		}
		for (String kind : List.of("hard", "soft", "complaint")) {
			Counter.builder("mailroom.bounces").tag("kind", kind).register(meters);
		}
	}

	@Scheduled(fixedDelayString = "${mailroom.metrics.queue-interval:10s}", initialDelayString = "2s")
	void refresh() {
		refresh(false);
	}

	/** A refresh; {@code countNow} counts the depth whatever the last count cost (tests). */
	void refresh(boolean countNow) {
		try {
			transactions.executeWithoutResult(tx -> {
				// Counting a large backlog is a scan; in parallel it took every core of a small
				// machine for its duration and showed in the API's latency. One process is enough
				// for a gauge refreshed every few seconds.
				jdbc.sql("set local max_parallel_workers_per_gather = 0").update();
				refreshInTransaction(countNow);
			});
		}
		catch (RuntimeException ex) {
			log.debug("Queue metrics not refreshed: {}", ex.getMessage());
		}
	}

	private void refreshInTransaction(boolean countNow) {
		Instant now = clock.instant();
		long started = System.nanoTime();
		if (countNow || countDue(started)) {
			Map<String, Long> counts = new HashMap<>();
			jdbc.sql("""
					select status, count(*) from recipient
					where status in ('scheduled', 'queued', 'deferred', 'sending')
					group by status""").query(rs -> {
				counts.put(rs.getString(1), rs.getLong(2));
			});
			STATUSES.forEach(s -> depth.get(s).set(counts.getOrDefault(s, 0L)));
			counted(started, System.nanoTime());
		}
		Instant oldest = oldestWaitStart(now);
		oldestAgeSeconds.set(oldest == null ? 0 : Math.max(0, Duration.between(oldest, now).toSeconds()));
	}

	/** Whether the depth is to be counted at {@code nanoTime}. */
	boolean countDue(long nanoTime) {
		return nanoTime - nextCount >= 0;
	}

	/** A count ran from {@code started} to {@code ended} ({@link System#nanoTime()}). */
	void counted(long started, long ended) {
		nextCount = ended + COUNT_COST_FACTOR * (ended - started);
	}

	/** When the longest wait of a recipient not yet final began; null when none waits. */
	private Instant oldestWaitStart(Instant now) {
		Instant oldest = earlier(oldestInCreationOrder("queued"), oldestInCreationOrder("deferred"));
		// being sent: as many as the workers hold claimed, a few batches each
		oldest = earlier(oldest, earliestStart("r.status = 'sending'", Map.of()));
		// scheduled and due but not claimed yet: only while delivery is behind
		return earlier(oldest, earliestStart("r.status = 'scheduled' and r.next_attempt_at <= :now",
				Map.of("now", Timestamp.from(now))));
	}

	/** The earliest wait start among all recipients matching {@code condition}, in one aggregate. */
	private Instant earliestStart(String condition, Map<String, ?> params) {
		return jdbc.sql("select min(coalesce(%s, r.created_at)) from recipient r where %s".formatted(SEND_AT, condition))
			.params(params)
			.query(Timestamp.class)
			.optional()
			.map(Timestamp::toInstant)
			.orElse(null);
	}

	/**
	 * The earliest wait start among recipients of one status, read in creation order through
	 * {@code recipient_status_created_idx} a page at a time. Usually one row: its message had no
	 * {@code sendAt}, so its wait began at its creation and every later row was created later.
	 * Paging past a page's last (created_at, message_id) may skip that message's other recipients;
	 * they share its start.
	 */
	private Instant oldestInCreationOrder(String status) {
		record Row(Instant created, UUID messageId, Instant start) {
		}
		Instant oldest = null;
		Row last = null;
		for (int pages = 0; pages < maxPages; pages++) {
			List<Row> page = jdbc.sql("""
					select r.created_at, r.message_id, coalesce(%s, r.created_at)
					from recipient r
					where r.status = '%s' %s
					order by r.created_at, r.message_id
					limit %d""".formatted(SEND_AT, status,
					last == null ? "" : "and (r.created_at, r.message_id) > (:created, :message)", OLDEST_PAGE))
				.params(last == null ? Map.of()
						: Map.of("created", Timestamp.from(last.created()), "message", last.messageId()))
				.query((rs, n) -> new Row(rs.getTimestamp(1).toInstant(), rs.getObject(2, UUID.class),
						rs.getTimestamp(3).toInstant()))
				.list();
			for (Row row : page) {
				if (oldest != null && !row.created().isBefore(oldest)) {
					return oldest;
				}
				oldest = earlier(oldest, row.start());
			}
			if (page.size() < OLDEST_PAGE) {
				return oldest;
			}
			last = page.get(page.size() - 1);
		}
		// Many recipients created before the oldest start found, all with a later sendAt (a large
		// scheduled campaign sent back to the queue by an outage): one aggregate over the status
		// rather than thousands of pages.
		return earliestStart("r.status = '%s'".formatted(status), Map.of());
	}

	private static Instant earlier(Instant a, Instant b) {
		return a == null ? b : b == null || a.isBefore(b) ? a : b;
	}

}
