package io.mailroom.webhook;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The webhook queue's SQL, all of it: fanning events out of the outbox ({@code message_event})
 * into deliveries, claiming due deliveries, recording attempts, and adding test and replay
 * deliveries. Instances sharing the database never take the same row and never wait for each
 * other ({@code FOR UPDATE SKIP LOCKED}); a claim is a lease, so a crashed instance's deliveries
 * are sent again (with the same {@code webhook-id}) once it runs out.
 */
@Component
class WebhookQueue {

	/**
	 * Copies committed events into one delivery per subscribed, enabled endpoint that existed when
	 * the event happened, and marks them done, in one statement. Returns the events handled.
	 */
	private static final String FAN_OUT = """
			with batch as (
			    select id from message_event
			    where not fanned_out
			    order by seq
			    limit :limit
			    for update skip locked
			), fanned as (
			    update message_event e set fanned_out = true
			    from batch where e.id = batch.id
			    returning e.id, e.message_id, e.seq, e.type, e.occurred_at
			), queued as (
			    insert into webhook_delivery (id, endpoint_id, event_id, message_id, event_seq, event_type,
			                                  occurred_at, status, next_attempt_at, created_at)
			    select gen_random_uuid(), ep.id, f.id, f.message_id, f.seq, f.type, f.occurred_at, 'pending', :now, :now
			    from fanned f
			    join webhook_endpoint ep on ep.enabled and ep.created_at <= f.occurred_at
			                            and (ep.event_types is null or f.type = any (ep.event_types))
			)
			select count(*) from fanned
			""";

	/**
	 * Takes due deliveries under this instance's lease. A delivery waits while an earlier event of
	 * the same message is still on its way to the same endpoint (pending, being sent, or not even
	 * fanned out yet), so each endpoint sees a message's events in order; other messages and
	 * endpoints are not held up. Deliveries whose lease ran out (their instance died) are due too.
	 */
	private static final String CLAIM = """
			with due as (
			    select d.id from webhook_delivery d
			    join webhook_endpoint ep on ep.id = d.endpoint_id
			    where d.status = 'pending' and d.next_attempt_at <= :now and ep.enabled
			      and not exists (
			          select 1 from webhook_delivery earlier
			          where earlier.endpoint_id = d.endpoint_id and earlier.message_id = d.message_id
			            and earlier.event_seq < d.event_seq and earlier.status in ('pending', 'sending'))
			      and not exists (
			          select 1 from message_event unfanned
			          where unfanned.message_id = d.message_id and unfanned.seq < d.event_seq and not unfanned.fanned_out)
			    order by d.next_attempt_at
			    limit :limit
			    for update of d skip locked
			), expired as (
			    select d.id from webhook_delivery d
			    join webhook_endpoint ep on ep.id = d.endpoint_id
			    where d.status = 'sending' and d.claimed_until < :now and ep.enabled
			    limit :limit
			    for update of d skip locked
			)
			update webhook_delivery d
			set status = 'sending', claimed_by = :worker, claimed_until = :leaseUntil
			from webhook_endpoint ep
			where d.id in (select id from expired union all select id from due limit :limit) and ep.id = d.endpoint_id
			returning d.id, coalesce(d.replay_of, d.id), d.endpoint_id, ep.url, d.event_id, d.event_type, d.occurred_at,
			          d.attempts, (select e.data::text from message_event e where e.id = d.event_id),
			          ep.secret, ep.previous_secret, ep.previous_secret_until
			""";

	private final JdbcClient jdbc;

	WebhookQueue(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** @return how many events were fanned out (fewer than {@code limit}: the outbox is empty) */
	int fanOut(int limit, Instant now) {
		return jdbc.sql(FAN_OUT).param("limit", limit).param("now", Timestamp.from(now)).query(Integer.class).single();
	}

	List<ClaimedDelivery> claim(String worker, int limit, Instant now, Instant leaseUntil) {
		return jdbc.sql(CLAIM)
			.param("now", Timestamp.from(now))
			.param("limit", limit)
			.param("worker", worker)
			.param("leaseUntil", Timestamp.from(leaseUntil))
			.query((rs, n) -> new ClaimedDelivery(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
					rs.getObject(3, UUID.class), rs.getString(4), rs.getObject(5, UUID.class), rs.getString(6),
					instant(rs, 7), rs.getInt(8), rs.getString(9), rs.getString(10), rs.getString(11), instant(rs, 12)))
			.list();
	}

	/** Gives back claims not yet sent (shutdown), so they are due again at once, not after the lease. */
	int release(String worker, List<UUID> ids) {
		if (ids.isEmpty()) {
			return 0;
		}
		return jdbc.sql("""
				update webhook_delivery set status = 'pending', claimed_by = null, claimed_until = null
				where id in (:ids) and claimed_by = :worker and status = 'sending'""")
			.param("ids", ids)
			.param("worker", worker)
			.update();
	}

	/**
	 * Moves a delivery on after an attempt: to {@code delivered}, {@code failed} (gave up), or back
	 * to {@code pending} until {@code nextAttemptAt}.
	 * @return false when this instance no longer holds the lease (another one took it over)
	 */
	boolean finishAttempt(String worker, UUID id, String status, Instant nextAttemptAt, Integer statusCode,
			String error, Instant now) {
		return jdbc.sql("""
				update webhook_delivery
				set status = :status, attempts = attempts + 1, next_attempt_at = :next, claimed_by = null,
				    claimed_until = null, last_status_code = :code, last_error = :error,
				    completed_at = cast(:completed as timestamptz)
				where id = :id and claimed_by = :worker and status = 'sending'""")
			.param("status", status)
			.param("next", Timestamp.from(nextAttemptAt != null ? nextAttemptAt : now))
			.param("code", statusCode)
			.param("error", error)
			.param("completed", status.equals("pending") ? null : Timestamp.from(now))
			.param("id", id)
			.param("worker", worker)
			.update() == 1;
	}

	void insertAttempt(UUID id, UUID deliveryId, int attempt, Instant startedAt, long durationMs, Integer statusCode,
			String error, String responseBody) {
		jdbc.sql("""
				insert into webhook_attempt (id, delivery_id, attempt, started_at, duration_ms, status_code, error,
				  response_body)
				values (?, ?, ?, ?, ?, ?, ?, ?)""")
			.params(id, deliveryId, attempt, Timestamp.from(startedAt), (int) Math.min(durationMs, Integer.MAX_VALUE),
					statusCode, error, responseBody)
			.update();
	}

	/** Queues a {@code webhook.test} event for one endpoint. */
	void enqueueTest(UUID id, UUID endpointId, Instant now) {
		jdbc.sql("""
				insert into webhook_delivery (id, endpoint_id, event_type, occurred_at, status, next_attempt_at, created_at)
				values (?, ?, ?, ?, 'pending', ?, ?)""")
			.params(id, endpointId, WebhookEvents.TEST, Timestamp.from(now), Timestamp.from(now), Timestamp.from(now))
			.update();
		notifyDispatchers();
	}

	/**
	 * Queues a finished delivery's event again, as a new delivery of the same event. Ordered as its
	 * event: later events of the same message to this endpoint wait for it.
	 * @return false when there is no such finished delivery
	 */
	boolean enqueueReplay(UUID id, UUID endpointId, UUID deliveryId, Instant now) {
		int inserted = jdbc.sql("""
				insert into webhook_delivery (id, endpoint_id, event_id, message_id, event_seq, event_type, occurred_at,
				  status, next_attempt_at, replay_of, created_at)
				select :id, endpoint_id, event_id, message_id, event_seq, event_type, occurred_at, 'pending', :now,
				       coalesce(replay_of, id), :now
				from webhook_delivery
				where id = :delivery and endpoint_id = :endpoint and status in ('delivered', 'failed')""")
			.param("id", id)
			.param("now", Timestamp.from(now))
			.param("delivery", deliveryId)
			.param("endpoint", endpointId)
			.update();
		notifyDispatchers();
		return inserted == 1;
	}

	/** Wakes every instance's dispatcher (the trigger does this for events, not for these inserts). */
	private void notifyDispatchers() {
		jdbc.sql("notify " + WebhookNotifications.CHANNEL).update();
	}

	/**
	 * How far dispatch is behind, in seconds: the age of the oldest event not yet fanned out, or of
	 * the longest-overdue delivery to an enabled endpoint, whichever is older (0 when none). A
	 * delivery held back behind an earlier event that is being retried counts as overdue.
	 */
	double lagSeconds(Instant now) {
		double lag = jdbc.sql("""
				select coalesce(greatest(
				  (select extract(epoch from :now - min(occurred_at)) from message_event where not fanned_out),
				  (select extract(epoch from :now - min(d.next_attempt_at))
				   from webhook_delivery d join webhook_endpoint ep on ep.id = d.endpoint_id and ep.enabled
				   where d.status = 'pending' and d.next_attempt_at <= :now))::float8, 0)""")
			.param("now", Timestamp.from(now))
			.query(Double.class)
			.single();
		return Math.max(0, lag);
	}

	private static Instant instant(ResultSet rs, int column) throws SQLException {
		Timestamp t = rs.getTimestamp(column);
		return t == null ? null : t.toInstant();
	}

}
