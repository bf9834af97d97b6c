package io.mailroom.delivery;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Claiming due work. One statement finds due recipients in priority order, locks them with
 * {@code FOR UPDATE SKIP LOCKED} (so instances sharing the database never take the same row and
 * never wait for each other), marks them {@code sending} under this instance's lease and returns
 * everything the sender needs. Recipients whose lease expired (their instance died) are due too.
 */
@Component
class RecipientClaims {

	private static final TypeReference<Map<String, String>> METADATA = new TypeReference<>() {
	};

	private static final String CLAIM = """
			with due as (
			    select id from recipient
			    where status in ('queued', 'deferred', 'scheduled') and next_attempt_at <= :now
			    order by priority, next_attempt_at
			    limit :limit
			    for update skip locked
			), expired as (
			    select id from recipient
			    where status = 'sending' and claimed_until < :now
			    order by claimed_until
			    limit :limit
			    for update skip locked
			)
			update recipient r
			set status = 'sending', claimed_by = :worker, claimed_until = :leaseUntil, updated_at = :now
			from message m
			where r.id in (select id from due union all select id from expired) and m.id = r.message_id
			returning r.id, r.message_id, r.email, r.domain, r.attempts, r.priority, m.created_at, m.test,
			          m.from_email, m.mime, m.template, m.tags, m.metadata::text, m.category
			""";

	private final JdbcClient jdbc;

	private final JsonMapper json;

	RecipientClaims(JdbcClient jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	List<ClaimedRecipient> claim(String worker, int limit, Instant now, Instant leaseUntil) {
		return jdbc.sql(CLAIM)
			.param("now", Timestamp.from(now))
			.param("limit", limit)
			.param("worker", worker)
			.param("leaseUntil", Timestamp.from(leaseUntil))
			.query((rs, n) -> new ClaimedRecipient(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
					rs.getString(3), rs.getString(4), rs.getInt(5), rs.getInt(6), rs.getTimestamp(7).toInstant(),
					rs.getBoolean(8), rs.getString(9), rs.getBytes(10), rs.getString(11),
					Arrays.asList((String[]) rs.getArray(12).getArray()), json.readValue(rs.getString(13), METADATA),
					rs.getString(14)))
			.list();
	}

	/**
	 * Gives back claims this instance will not work on (shutdown): they become due again at once
	 * instead of waiting for the lease to expire.
	 */
	int release(String worker, List<UUID> ids, Instant now) {
		if (ids.isEmpty()) {
			return 0;
		}
		return jdbc.sql("""
				update recipient set status = case when attempts > 0 then 'deferred' else 'queued' end,
				       claimed_by = null, claimed_until = null, updated_at = :now
				where id in (:ids) and claimed_by = :worker""")
			.param("ids", ids)
			.param("worker", worker)
			.param("now", Timestamp.from(now))
			.update();
	}

	/**
	 * Pauses a throttled domain's queue (SPEC §3): its due recipients, and those that would become
	 * due during the pause, wait until it ends — on every instance, not only the one that was told
	 * to slow down. Recipients being sent right now are not touched.
	 */
	int pauseDomain(String domain, Instant until, Instant now) {
		return jdbc.sql("""
				update recipient set next_attempt_at = :until, updated_at = :now
				where domain = :domain and status in ('queued', 'deferred', 'scheduled') and next_attempt_at < :until""")
			.param("domain", domain)
			.param("until", Timestamp.from(until))
			.param("now", Timestamp.from(now))
			.update();
	}

}
