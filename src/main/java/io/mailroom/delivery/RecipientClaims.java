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
import org.springframework.transaction.support.TransactionTemplate;

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

	/*
	 * Due recipients (and those whose lease expired) are locked in priority order, up to the limit
	 * each; of those, the claim takes the first {@code limit} whose messages start within the byte
	 * budget (the first always), so a backlog of large messages does not fill the heap. Locked rows
	 * not taken are unlocked when the claim's transaction commits. octet_length of a stored body
	 * reads its size from the TOAST pointer, without decompressing it.
	 */
	private static final String CLAIM = """
			with due as (
			    select id, message_id, priority, next_attempt_at as at from recipient
			    where status in ('queued', 'deferred', 'scheduled') and next_attempt_at <= :now
			    order by priority, next_attempt_at
			    limit :limit
			    for update skip locked
			), expired as (
			    select id, message_id, priority, claimed_until as at from recipient
			    where status = 'sending' and claimed_until < :now
			    order by claimed_until
			    limit :limit
			    for update skip locked
			), sized as (
			    select c.id, row_number() over w as n,
			           sum(coalesce(octet_length(m.mime), 0)) over w - coalesce(octet_length(m.mime), 0) as bytes_before
			    from (select * from due union all select * from expired) c join message m on m.id = c.message_id
			    window w as (order by c.priority, c.at, c.id)
			)
			update recipient r
			set status = 'sending', claimed_by = :worker, claimed_until = :leaseUntil, updated_at = :now
			from message m
			where r.id in (select id from sized where n <= :limit and bytes_before < :maxBytes) and m.id = r.message_id
			returning r.id, r.message_id, r.email, r.domain, r.attempts, r.priority, m.created_at, m.test,
			          m.from_email, m.mime, m.template, m.tags, m.metadata::text, m.category
			""";

	private final JdbcClient jdbc;

	private final JsonMapper json;

	private final TransactionTemplate transactions;

	RecipientClaims(JdbcClient jdbc, JsonMapper json, TransactionTemplate transactions) {
		this.jdbc = jdbc;
		this.json = json;
		this.transactions = transactions;
	}

	List<ClaimedRecipient> claim(String worker, int limit, Instant now, Instant leaseUntil) {
		return claim(worker, limit, Long.MAX_VALUE, now, leaseUntil);
	}

	/**
	 * Claims up to {@code limit} due recipients in priority order, stopping at the first whose
	 * message would start beyond {@code maxBytes} of MIME (at least one is claimed, whatever the
	 * budget).
	 */
	List<ClaimedRecipient> claim(String worker, int limit, long maxBytes, Instant now, Instant leaseUntil) {
		// In a transaction of its own, committed once every row has been read: a claim this
		// instance failed to read (out of memory, a dropped connection) is rolled back, instead of
		// leaving its recipients marked sending until their lease expires.
		return transactions.execute(tx -> read(worker, limit, maxBytes, now, leaseUntil));
	}

	private List<ClaimedRecipient> read(String worker, int limit, long maxBytes, Instant now, Instant leaseUntil) {
		return jdbc.sql(CLAIM)
			.param("now", Timestamp.from(now))
			.param("limit", limit)
			.param("maxBytes", Math.max(1, maxBytes))
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
