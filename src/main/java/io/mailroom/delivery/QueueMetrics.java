package io.mailroom.delivery;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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

/**
 * Queue gauges from one cheap query on a timer (not one query per scrape and status):
 * {@code mailroom.queue.depth{status}} and {@code mailroom.queue.oldest.age}, how long the
 * longest-waiting undelivered recipient has waited since it first became due (accepted, or its
 * {@code sendAt}). A deferred recipient keeps its age while it waits out a retry delay: counting
 * from its next attempt would make it look fresh after every failure, and the age alert would never
 * fire while the relay is down. Scheduled recipients are not old before they are due.
 */
@Component
class QueueMetrics {

	private static final Logger log = LoggerFactory.getLogger(QueueMetrics.class);

	static final List<String> STATUSES = List.of("scheduled", "queued", "deferred", "sending");

	private final JdbcClient jdbc;

	private final Clock clock;

	private final Map<String, AtomicLong> depth = new ConcurrentHashMap<>();

	private final AtomicLong oldestAgeSeconds = new AtomicLong();

	QueueMetrics(JdbcClient jdbc, Clock clock, MeterRegistry meters) {
		this.jdbc = jdbc;
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
		Instant now = clock.instant();
		try {
			Map<String, Long> counts = new java.util.HashMap<>();
			Timestamp[] oldest = new Timestamp[1];
			jdbc.sql("""
					select r.status, count(*),
					       min(coalesce(m.send_at, r.created_at)) filter (where r.status <> 'scheduled' or r.next_attempt_at <= :now)
					from recipient r join message m on m.id = r.message_id
					where r.status in ('scheduled', 'queued', 'deferred', 'sending')
					group by r.status""").param("now", Timestamp.from(now)).query(rs -> {
				counts.put(rs.getString(1), rs.getLong(2));
				Timestamp t = rs.getTimestamp(3);
				if (t != null && (oldest[0] == null || t.before(oldest[0]))) {
					oldest[0] = t;
				}
			});
			STATUSES.forEach(s -> depth.get(s).set(counts.getOrDefault(s, 0L)));
			oldestAgeSeconds.set(oldest[0] == null ? 0 : Math.max(0, Duration.between(oldest[0].toInstant(), now).toSeconds()));
		}
		catch (RuntimeException ex) {
			log.debug("Queue metrics not refreshed: {}", ex.getMessage());
		}
	}

}
