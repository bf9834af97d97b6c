package io.mailroom.delivery;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.mailroom.common.Ids;
import io.mailroom.message.EventData;
import io.mailroom.message.MessageEvent;
import io.mailroom.message.MessageEvents;
import io.mailroom.message.Messages;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records attempt results: the attempt rows, the recipients' new states, the events (outbox) and,
 * through {@link BounceSuppression}, the suppressions — a whole batch of results in one
 * transaction, with the recipient updates in one statement over {@code unnest}ed arrays.
 */
@Component
class DeliveryRecorder {

	/**
	 * One attempt's result for one claimed recipient, or a postponement: the recipient was not
	 * attempted because its destination is resting after throttling, and waits until
	 * {@code postponedUntil} without an attempt being counted.
	 */
	record Result(ClaimedRecipient recipient, AttemptResult attempt, Instant postponedUntil) {

		Result(ClaimedRecipient recipient, AttemptResult attempt) {
			this(recipient, attempt, null);
		}

		static Result postponed(ClaimedRecipient recipient, Instant until) {
			return new Result(recipient, null, until);
		}

		boolean isPostponed() {
			return postponedUntil != null;
		}

	}

	/**
	 * The final or next state a recipient takes after an attempt; {@code at} is when the outcome
	 * happened ({@link #endedAt}).
	 */
	private record Decision(Result result, String status, int attempts, Instant nextAttemptAt,
			BounceClassification.Verdict bounce, String event, Instant at) {

		boolean isFinal() {
			return nextAttemptAt == null;
		}

	}

	/*
	 * Both statements find their rows by primary key only. claimed_by is set only with status
	 * 'sending' and cleared by every change out of it, so "claimed by this worker" is "still ours
	 * and still sending". A condition on status as well let PostgreSQL read every sending
	 * recipient (and the dead index entries of those already recorded) through
	 * recipient_lease_idx and join them with the batch in a nested loop: under a drain, most of
	 * the recorder's database time.
	 */
	private static final String UPDATE = """
			update recipient r
			set status = u.status, attempts = u.attempts, next_attempt_at = coalesce(u.next_at, ?),
			    claimed_by = null, claimed_until = null, last_reply_code = u.code, last_enhanced_code = u.enhanced,
			    last_reply_text = u.text, bounce_kind = u.kind, bounce_category = u.category, updated_at = ?,
			    final_at = case when u.next_at is null then u.ended_at end
			from unnest(?::uuid[], ?::text[], ?::int[], ?::timestamptz[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[],
			            ?::timestamptz[])
			     as u(id, status, attempts, next_at, code, enhanced, text, kind, category, ended_at)
			where r.id = u.id and r.claimed_by = ?
			returning r.id""";

	private static final String POSTPONE = """
			update recipient r
			set status = case when r.attempts > 0 then 'deferred' else 'queued' end, next_attempt_at = u.until,
			    claimed_by = null, claimed_until = null, updated_at = ?
			from unnest(?::uuid[], ?::timestamptz[]) as u(id, until)
			where r.id = u.id and r.claimed_by = ?""";

	private final JdbcTemplate jdbc;

	private final MessageEvents events;

	private final TransactionTemplate transactions;

	private final RetryLadder ladder;

	private final BounceClassification bounces;

	private final BounceSuppression suppression;

	private final MeterRegistry meters;

	private final Timer latency;

	DeliveryRecorder(JdbcTemplate jdbc, MessageEvents events, TransactionTemplate transactions, RetryLadder ladder,
			BounceClassification bounces, BounceSuppression suppression, MeterRegistry meters) {
		this.jdbc = jdbc;
		this.events = events;
		this.transactions = transactions;
		this.ladder = ladder;
		this.bounces = bounces;
		this.suppression = suppression;
		this.meters = meters;
		this.latency = Timer.builder("mailroom.delivery.latency")
			.description("From acceptance to delivery")
			.serviceLevelObjectives(Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
					Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5))
			.publishPercentileHistogram()
			.register(meters);
	}

	void record(String worker, ClaimedRecipient r, AttemptResult result, Instant now) {
		recordAll(worker, List.of(new Result(r, result)), now);
	}

	/**
	 * Records a batch. A recipient no longer claimed by {@code worker} (its lease expired and
	 * another instance took it) is skipped: the other instance's record wins.
	 */
	void recordAll(String worker, List<Result> results, Instant now) {
		List<Result> postponed = results.stream().filter(Result::isPostponed).toList();
		List<Decision> decisions = results.stream().filter(r -> !r.isPostponed()).map(r -> decide(r, now)).toList();
		List<Decision> recorded = transactions.execute(tx -> {
			postpone(worker, postponed, now);
			if (decisions.isEmpty()) {
				return List.<Decision>of();
			}
			Set<UUID> updated = updateRecipients(worker, decisions, now);
			List<Decision> mine = decisions.stream().filter(d -> updated.contains(d.result().recipient().id())).toList();
			insertAttempts(mine);
			suppression.bounced(
					mine.stream().filter(d -> d.bounce() != null).map(DeliveryRecorder::bounce).toList(), now);
			events.append(mine.stream().map(DeliveryRecorder::event).toList());
			return mine;
		});
		for (Decision d : recorded) {
			Counter.builder("mailroom.deliveries").tag("outcome", d.status()).register(meters).increment();
			if (d.status().equals("delivered")) {
				latency.record(Duration.between(d.result().recipient().acceptedAt(), d.at()));
			}
			if (d.bounce() != null) {
				Counter.builder("mailroom.bounces").tag("kind", d.bounce().kind()).register(meters).increment();
			}
		}
	}

	private Decision decide(Result r, Instant now) {
		AttemptResult result = r.attempt();
		int attempts = r.recipient().attempts() + 1;
		Instant at = endedAt(result, now);
		switch (result.outcome()) {
			case DELIVERED:
				return new Decision(r, "delivered", attempts, null, null, MessageEvent.DELIVERED, at);
			case BOUNCED:
				BounceClassification.Verdict verdict = bounces.classify(
						result.replyCode() == null ? 550 : result.replyCode(), result.enhancedCode(), result.text());
				return new Decision(r, "bounced", attempts, null, verdict, MessageEvent.BOUNCED, at);
			default:
				Optional<Instant> next = ladder.next(attempts, now, r.recipient().acceptedAt());
				return next.map(nextAt -> new Decision(r, "deferred", attempts, nextAt, null, MessageEvent.DEFERRED, at))
					.orElseGet(() -> new Decision(r, "failed", attempts, null, null, MessageEvent.FAILED, at));
		}
	}

	private Set<UUID> updateRecipients(String worker, List<Decision> decisions, Instant now) {
		return jdbc.execute((ConnectionCallback<Set<UUID>>) connection -> {
			int n = decisions.size();
			UUID[] ids = new UUID[n];
			String[] statuses = new String[n];
			Integer[] attempts = new Integer[n];
			Timestamp[] next = new Timestamp[n];
			Integer[] codes = new Integer[n];
			String[] enhanced = new String[n];
			String[] texts = new String[n];
			String[] kinds = new String[n];
			String[] categories = new String[n];
			Timestamp[] ended = new Timestamp[n];
			for (int i = 0; i < n; i++) {
				Decision d = decisions.get(i);
				AttemptResult a = d.result().attempt();
				ids[i] = d.result().recipient().id();
				statuses[i] = d.status();
				attempts[i] = d.attempts();
				next[i] = d.nextAttemptAt() == null ? null : Timestamp.from(d.nextAttemptAt());
				codes[i] = a.replyCode();
				enhanced[i] = a.enhancedCode();
				texts[i] = truncate(a.text(), 2000);
				kinds[i] = d.bounce() == null ? null : d.bounce().kind();
				categories[i] = d.bounce() == null ? null : d.bounce().category();
				ended[i] = Timestamp.from(d.at());
			}
			Timestamp at = Timestamp.from(now);
			try (PreparedStatement ps = connection.prepareStatement(UPDATE)) {
				ps.setTimestamp(1, at);
				ps.setTimestamp(2, at);
				ps.setArray(3, array(connection, "uuid", ids));
				ps.setArray(4, array(connection, "text", statuses));
				ps.setArray(5, array(connection, "int4", attempts));
				ps.setArray(6, array(connection, "timestamptz", next));
				ps.setArray(7, array(connection, "int4", codes));
				ps.setArray(8, array(connection, "text", enhanced));
				ps.setArray(9, array(connection, "text", texts));
				ps.setArray(10, array(connection, "text", kinds));
				ps.setArray(11, array(connection, "text", categories));
				ps.setArray(12, array(connection, "timestamptz", ended));
				ps.setString(13, worker);
				Set<UUID> updated = new HashSet<>();
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						updated.add(rs.getObject(1, UUID.class));
					}
				}
				return updated;
			}
		});
	}

	/** Postponed recipients go back to the queue as they were: no attempt, no event. */
	private void postpone(String worker, List<Result> postponed, Instant now) {
		if (postponed.isEmpty()) {
			return;
		}
		jdbc.execute((ConnectionCallback<Integer>) connection -> {
			UUID[] ids = postponed.stream().map(r -> r.recipient().id()).toArray(UUID[]::new);
			Timestamp[] until = postponed.stream().map(r -> Timestamp.from(r.postponedUntil())).toArray(Timestamp[]::new);
			try (PreparedStatement ps = connection.prepareStatement(POSTPONE)) {
				ps.setTimestamp(1, Timestamp.from(now));
				ps.setArray(2, array(connection, "uuid", ids));
				ps.setArray(3, array(connection, "timestamptz", until));
				ps.setString(4, worker);
				return ps.executeUpdate();
			}
		});
	}

	private void insertAttempts(List<Decision> decisions) {
		jdbc.batchUpdate("""
				insert into delivery_attempt (id, recipient_id, message_id, attempt, started_at, duration_ms, host,
				  reply_code, enhanced_code, reply_text, outcome, transcript)
				values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", decisions, 500, (ps, d) -> {
			ClaimedRecipient r = d.result().recipient();
			AttemptResult a = d.result().attempt();
			ps.setObject(1, Ids.next());
			ps.setObject(2, r.id());
			ps.setObject(3, r.messageId());
			ps.setInt(4, d.attempts());
			ps.setTimestamp(5, Timestamp.from(a.startedAt()));
			ps.setInt(6, (int) a.duration().toMillis());
			ps.setString(7, a.host());
			ps.setObject(8, a.replyCode());
			ps.setString(9, a.enhancedCode());
			ps.setString(10, truncate(a.text(), 2000));
			ps.setString(11, d.status());
			ps.setString(12, a.transcript());
		});
	}

	private static BounceSuppression.Bounce bounce(Decision d) {
		ClaimedRecipient r = d.result().recipient();
		return new BounceSuppression.Bounce(r.id(), r.messageId(), r.email(), d.bounce(),
				truncate(d.result().attempt().text(), 500));
	}

	private static MessageEvent event(Decision d) {
		ClaimedRecipient r = d.result().recipient();
		AttemptResult result = d.result().attempt();
		Map<String, Object> data = EventData.base(Messages.publicId(r.messageId()), r.email(), r.template(), r.tags(),
				r.metadata(), r.test());
		data.put("attempt", d.attempts());
		data.put("smtp", EventData.smtp(result.replyCode(), result.enhancedCode(), result.text(), result.host()));
		if (d.bounce() != null) {
			data.put("bounce", Map.of("kind", d.bounce().kind(), "category", d.bounce().category(), "diagnostic",
					result.text() == null ? "" : result.text()));
		}
		if (d.nextAttemptAt() != null) {
			data.put("nextAttemptAt", d.nextAttemptAt().toString());
		}
		return new MessageEvent(Ids.next(), r.messageId(), r.id(), d.event(), d.at(), data);
	}

	/**
	 * When the outcome happened: the end of the attempt (the relay's reply), not the moment this
	 * batch is recorded, which under load is tens of milliseconds later. A recipient's
	 * {@code final_at} and its event's time say when it was delivered (bounced, failed), as the
	 * relay saw it. Never later than {@code now}.
	 */
	private static Instant endedAt(AttemptResult attempt, Instant now) {
		Instant ended = attempt.endedAt();
		return ended.isAfter(now) ? now : ended;
	}

	private static Array array(Connection connection, String type, Object[] values) throws SQLException {
		return connection.createArrayOf(type, values);
	}

	private static String truncate(String s, int max) {
		return s == null || s.length() <= max ? s : s.substring(0, max);
	}

}
