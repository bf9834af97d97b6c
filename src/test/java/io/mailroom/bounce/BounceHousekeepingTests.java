package io.mailroom.bounce;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.mailroom.support.MailroomTest;
import io.mailroom.support.MutableClock;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Old soft bounces, expired suppressions and inbound messages past retention are deleted; nothing else. */
@MailroomTest
class BounceHousekeepingTests {

	@Autowired
	BounceHousekeeping housekeeping;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	MutableClock clock;

	@Test
	void deletesOnlyWhatIsPastItsTime() {
		Instant now = clock.instant();
		UUID oldBounce = UUID.randomUUID();
		UUID recentBounce = UUID.randomUUID();
		softBounce(oldBounce, now.minus(Duration.ofDays(8)));
		softBounce(recentBounce, now.minus(Duration.ofDays(6)));
		suppression("expired@housekeeping.example", now.minus(Duration.ofHours(1)));
		suppression("temporary@housekeeping.example", now.plus(Duration.ofHours(1)));
		suppression("permanent@housekeeping.example", null);
		UUID oldInbound = inbound(now.minus(Duration.ofDays(31)));
		UUID recentInbound = inbound(now.minus(Duration.ofDays(29)));

		housekeeping.run();

		assertThat(jdbc.sql("select recipient_id from soft_bounce where recipient_id in (?, ?)")
			.params(oldBounce, recentBounce)
			.query(UUID.class)
			.list()).containsExactly(recentBounce);
		assertThat(jdbc.sql("select email from suppression where email like '%@housekeeping.example' order by email")
			.query(String.class)
			.list()).containsExactly("permanent@housekeeping.example", "temporary@housekeeping.example");
		assertThat(jdbc.sql("select id from inbound_message where id in (?, ?)")
			.params(oldInbound, recentInbound)
			.query(UUID.class)
			.list()).containsExactly(recentInbound);
	}

	private void softBounce(UUID recipientId, Instant at) {
		jdbc.sql("insert into soft_bounce (recipient_id, email, occurred_at) values (?, 'soft@housekeeping.example', ?)")
			.params(recipientId, Timestamp.from(at))
			.update();
	}

	private void suppression(String email, Instant expiresAt) {
		jdbc.sql("""
				insert into suppression (email, reason, created_at, expires_at)
				values (?, ?, ?, ?)""")
			.params(email, expiresAt == null ? "manual" : "soft-bounce", Timestamp.from(clock.instant()),
					expiresAt == null ? null : Timestamp.from(expiresAt))
			.update();
	}

	private UUID inbound(Instant receivedAt) {
		UUID id = UUID.randomUUID();
		jdbc.sql("""
				insert into inbound_message (id, received_at, source, type, status, matched, size, raw, raw_truncated, summary)
				values (?, ?, 'http', 'unknown', 'unmatched', false, 1, '\\x41'::bytea, false, '{}'::jsonb)""")
			.params(id, Timestamp.from(receivedAt))
			.update();
		return id;
	}

}
