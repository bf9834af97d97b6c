package io.mailroom.retention;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Purges old message bodies and deletes old messages, in small batches. Each batch is one
 * autocommitted statement that locks only the rows it takes ({@code SKIP LOCKED}), so the delivery
 * worker and other instances' sweeps are never blocked for longer than one batch. Only finished
 * messages are touched: a message with a recipient still waiting keeps its body, whatever its age,
 * because the worker still has to send it.
 */
@Component
public class RetentionSweep {

	private static final Logger log = LoggerFactory.getLogger(RetentionSweep.class);

	/** A pause between batches gives the worker's statements room on a busy database. */
	private static final Duration PAUSE = Duration.ofMillis(50);

	private static final String PURGE_BODIES = """
			with expired as (
			    select m.id from message m
			    where m.body_purged_at is null and m.created_at < :cutoff
			      and not exists (select 1 from recipient r where r.message_id = m.id and r.final_at is null)
			    order by m.created_at
			    limit :limit
			    for update skip locked
			)
			update message m set mime = null, text_body = null, html_body = null, body_purged_at = :now
			from expired where m.id = expired.id
			""";

	// Recipients and their attempts go with the message (on delete cascade); events have no foreign
	// key (the outbox must accept them before anything else), so they are deleted explicitly.
	private static final String DELETE_MESSAGES = """
			with expired as (
			    select m.id from message m
			    where m.created_at < :cutoff
			      and not exists (select 1 from recipient r where r.message_id = m.id and r.final_at is null)
			    order by m.created_at
			    limit :limit
			    for update skip locked
			), events as (
			    delete from message_event e using expired where e.message_id = expired.id
			)
			delete from message m using expired where m.id = expired.id
			""";

	// Webhook deliveries keep their own record (they outlive the message row they reported on, which
	// may have been deleted by the statement above); finished ones go after the same period, their
	// attempts with them (on delete cascade). Pending or sending ones stay whatever their age.
	private static final String DELETE_WEBHOOK_DELIVERIES = """
			with expired as (
			    select d.id from webhook_delivery d
			    where d.status in ('delivered', 'failed') and d.created_at < :cutoff
			    order by d.created_at
			    limit :limit
			    for update skip locked
			)
			delete from webhook_delivery d using expired where d.id = expired.id
			""";

	private final JdbcClient jdbc;

	private final RetentionProperties properties;

	private final Clock clock;

	public RetentionSweep(JdbcClient jdbc, RetentionProperties properties, Clock clock) {
		this.jdbc = jdbc;
		this.properties = properties;
		this.clock = clock;
	}

	/** What one sweep did. */
	public record Result(int bodiesPurged, int messagesDeleted, int webhookDeliveriesDeleted) {
	}

	@Scheduled(fixedDelayString = "${mailroom.retention.interval:1h}", initialDelayString = "10m")
	void scheduled() {
		if (!properties.enabled()) {
			return;
		}
		try {
			Result result = sweep();
			if (result.bodiesPurged() > 0 || result.messagesDeleted() > 0 || result.webhookDeliveriesDeleted() > 0) {
				log.info("Retention: purged {} message bodies, deleted {} messages and {} webhook deliveries",
						result.bodiesPurged(), result.messagesDeleted(), result.webhookDeliveriesDeleted());
			}
		}
		catch (RuntimeException ex) {
			// The database may be restarting; the next sweep picks up where this one stopped.
			log.warn("Retention sweep failed: {}", ex.getMessage());
		}
	}

	/** Runs until nothing more is due. */
	public Result sweep() {
		Instant now = clock.instant();
		int deleted = inBatches(DELETE_MESSAGES, now.minus(properties.metadata()), now);
		int webhooks = inBatches(DELETE_WEBHOOK_DELIVERIES, now.minus(properties.metadata()), now);
		int purged = inBatches(PURGE_BODIES, now.minus(properties.body()), now);
		return new Result(purged, deleted, webhooks);
	}

	private int inBatches(String sql, Instant cutoff, Instant now) {
		int total = 0;
		while (true) {
			int n = jdbc.sql(sql)
				.param("cutoff", Timestamp.from(cutoff))
				.param("now", Timestamp.from(now))
				.param("limit", properties.batchSize())
				.update();
			total += n;
			if (n < properties.batchSize()) {
				return total;
			}
			try {
				Thread.sleep(PAUSE.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return total;
			}
		}
	}

}
