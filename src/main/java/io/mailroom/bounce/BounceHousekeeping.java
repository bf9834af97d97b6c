package io.mailroom.bounce;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes what the bounce tables no longer need: soft bounces older than the counting window,
 * expired temporary suppressions, and stored inbound messages past their retention. Every instance
 * runs it; the deletes are idempotent and done in small batches so they never hold many locks.
 */
@Component
class BounceHousekeeping {

	private static final Logger log = LoggerFactory.getLogger(BounceHousekeeping.class);

	private static final int BATCH = 1000;

	private final JdbcClient jdbc;

	private final BounceProperties properties;

	private final Clock clock;

	BounceHousekeeping(JdbcClient jdbc, BounceProperties properties, Clock clock) {
		this.jdbc = jdbc;
		this.properties = properties;
		this.clock = clock;
	}

	@Scheduled(fixedDelayString = "${mailroom.bounce.housekeeping-interval:1h}", initialDelayString = "1m")
	void run() {
		Instant now = clock.instant();
		int soft = deleteInBatches("soft_bounce", "recipient_id", "occurred_at <= :cutoff",
				now.minus(properties.softBounces().window()));
		int expired = deleteInBatches("suppression", "email", "expires_at <= :cutoff", now);
		int inbound = deleteInBatches("inbound_message", "id", "received_at < :cutoff",
				now.minus(properties.inboundRetention()));
		if (soft + expired + inbound > 0) {
			log.info("Bounce housekeeping deleted {} old soft bounces, {} expired suppressions, {} inbound messages",
					soft, expired, inbound);
		}
	}

	private int deleteInBatches(String table, String key, String condition, Instant cutoff) {
		int total = 0;
		int n;
		do {
			n = jdbc.sql("delete from " + table + " where " + key + " in (select " + key + " from " + table + " where "
					+ condition + " limit " + BATCH + ")")
				.param("cutoff", Timestamp.from(cutoff))
				.update();
			total += n;
		}
		while (n == BATCH);
		return total;
	}

}
