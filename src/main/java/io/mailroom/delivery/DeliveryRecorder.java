package io.mailroom.delivery;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.mailroom.common.Ids;
import io.mailroom.message.EventData;
import io.mailroom.message.MessageEvent;
import io.mailroom.message.MessageEvents;
import io.mailroom.message.Messages;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records the result of an attempt: the attempt row, the recipient's new state, the event (outbox)
 * and, for hard bounces, the suppression — all in one transaction.
 */
@Component
class DeliveryRecorder {

	private final JdbcClient jdbc;

	private final MessageEvents events;

	private final TransactionTemplate transactions;

	private final RetryLadder ladder;

	private final BounceClassification bounces;

	private final MeterRegistry meters;

	private final Timer latency;

	DeliveryRecorder(JdbcClient jdbc, MessageEvents events, TransactionTemplate transactions, RetryLadder ladder,
			BounceClassification bounces, MeterRegistry meters) {
		this.jdbc = jdbc;
		this.events = events;
		this.transactions = transactions;
		this.ladder = ladder;
		this.bounces = bounces;
		this.meters = meters;
		this.latency = Timer.builder("mailroom.delivery.latency")
			.description("From acceptance to delivery")
			.serviceLevelObjectives(Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
					Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5))
			.publishPercentileHistogram()
			.register(meters);
	}

	/** The final or next state a recipient takes after an attempt. */
	private record Decision(String status, Instant nextAttemptAt, BounceClassification.Verdict bounce, String event) {
	}

	void record(String worker, ClaimedRecipient r, AttemptResult result, Instant now) {
		int attempts = r.attempts() + 1;
		Decision decision = decide(r, result, attempts, now);
		boolean recorded = Boolean.TRUE.equals(transactions.execute(tx -> {
			int updated = jdbc.sql("""
					update recipient set status = :status, attempts = :attempts, next_attempt_at = :next,
					       claimed_by = null, claimed_until = null, last_reply_code = :code,
					       last_enhanced_code = :enhanced, last_reply_text = :text, bounce_kind = :kind,
					       bounce_category = :category, updated_at = :now, final_at = :final
					where id = :id and claimed_by = :worker and status = 'sending'""")
				.param("status", decision.status())
				.param("attempts", attempts)
				.param("next", Timestamp.from(decision.nextAttemptAt() != null ? decision.nextAttemptAt() : now))
				.param("code", result.replyCode())
				.param("enhanced", result.enhancedCode())
				.param("text", truncate(result.text(), 2000))
				.param("kind", decision.bounce() == null ? null : decision.bounce().kind())
				.param("category", decision.bounce() == null ? null : decision.bounce().category())
				.param("now", Timestamp.from(now))
				.param("final", decision.nextAttemptAt() == null ? Timestamp.from(now) : null)
				.param("id", r.id())
				.param("worker", worker)
				.update();
			if (updated == 0) {
				// Our lease expired and another instance owns the recipient now: its record wins.
				return false;
			}
			jdbc.sql("""
					insert into delivery_attempt (id, recipient_id, message_id, attempt, started_at, duration_ms, host,
					  reply_code, enhanced_code, reply_text, outcome, transcript)
					values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
				.params(Ids.next(), r.id(), r.messageId(), attempts, Timestamp.from(result.startedAt()),
						(int) result.duration().toMillis(), result.host(), result.replyCode(), result.enhancedCode(),
						truncate(result.text(), 2000), decision.status(), result.transcript())
				.update();
			if (decision.bounce() != null && decision.bounce().hard()) {
				suppress(r, result, now);
			}
			events.append(List.of(new MessageEvent(Ids.next(), r.messageId(), r.id(), decision.event(), now,
					eventData(r, result, attempts, decision))));
			return true;
		}));
		if (recorded) {
			Counter.builder("mailroom.deliveries").tag("outcome", decision.status()).register(meters).increment();
			if (decision.status().equals("delivered")) {
				latency.record(Duration.between(r.acceptedAt(), now));
			}
			if (decision.bounce() != null) {
				Counter.builder("mailroom.bounces").tag("kind", decision.bounce().kind()).register(meters).increment();
			}
		}
	}

	private Decision decide(ClaimedRecipient r, AttemptResult result, int attempts, Instant now) {
		switch (result.outcome()) {
			case DELIVERED:
				return new Decision("delivered", null, null, MessageEvent.DELIVERED);
			case BOUNCED:
				BounceClassification.Verdict verdict = bounces.classify(
						result.replyCode() == null ? 550 : result.replyCode(), result.enhancedCode(), result.text());
				return new Decision("bounced", null, verdict, MessageEvent.BOUNCED);
			default:
				Optional<Instant> next = ladder.next(attempts, now, r.acceptedAt());
				return next.map(at -> new Decision("deferred", at, null, MessageEvent.DEFERRED))
					.orElseGet(() -> new Decision("failed", null, null, MessageEvent.FAILED));
		}
	}

	private void suppress(ClaimedRecipient r, AttemptResult result, Instant now) {
		jdbc.sql("""
				insert into suppression (email, reason, source_message_id, detail, created_at)
				values (?, 'hard-bounce', ?, ?, ?)
				on conflict (email) do update set reason = excluded.reason, source_message_id = excluded.source_message_id,
				  detail = excluded.detail, created_at = excluded.created_at, expires_at = null""")
			.params(Suppressions.normalize(r.email()), r.messageId(), truncate(result.text(), 500), Timestamp.from(now))
			.update();
	}

	private static Map<String, Object> eventData(ClaimedRecipient r, AttemptResult result, int attempts,
			Decision decision) {
		Map<String, Object> data = EventData.base(Messages.publicId(r.messageId()), r.email(), r.template(), r.tags(),
				r.metadata(), r.test());
		data.put("attempt", attempts);
		data.put("smtp", EventData.smtp(result.replyCode(), result.enhancedCode(), result.text(), result.host()));
		if (decision.bounce() != null) {
			data.put("bounce", Map.of("kind", decision.bounce().kind(), "category", decision.bounce().category(),
					"diagnostic", result.text() == null ? "" : result.text()));
		}
		if (decision.nextAttemptAt() != null) {
			data.put("nextAttemptAt", decision.nextAttemptAt().toString());
		}
		return data;
	}

	private static String truncate(String s, int max) {
		return s == null || s.length() <= max ? s : s.substring(0, max);
	}

}
