package io.mailroom.bounce;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mailroom.common.Ids;
import io.mailroom.delivery.BounceClassification;
import io.mailroom.delivery.BounceSuppression;
import io.mailroom.message.EventData;
import io.mailroom.message.MessageEvent;
import io.mailroom.message.MessageEvents;
import io.mailroom.message.Messages;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Takes in one inbound message (a bounce, delay notice, complaint or auto-reply) from the HTTP
 * endpoint or the SMTP listener: reads it within a deadline, finds the recipient it is about, and
 * applies it — recipient state, events and suppressions in the same transaction as the stored copy
 * of the message. Every message is stored and answered, matched or not, so the sending MTA never
 * has a reason to retry and an operator can look at what did not match.
 */
@Component
public class InboundBounces implements DisposableBean {

	/**
	 * A complaint in the message timeline. SPEC §2 lists no complaint event; endpoints subscribed to
	 * {@code *} receive it, the suppression is what SPEC §3 requires.
	 */
	public static final String COMPLAINED = MessageEvent.COMPLAINED;

	public enum Source {

		HTTP, SMTP;

		String label() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

	/** What {@code POST /inbound/bounces} answers (SPEC §3). */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Receipt(String id, BounceReport.Type type, boolean matched, String status, String messageId,
			List<ReportedRecipient> recipients, List<String> notes) {
	}

	/** One recipient as the report gives it; kind and category only for bounces and delays. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record ReportedRecipient(String email, String action, String status, String replyCode, String diagnostic,
			BouncedRecipient.Kind kind, BouncedRecipient.Category category) {

		static ReportedRecipient of(BouncedRecipient r, BounceReport.Type type) {
			boolean classified = type == BounceReport.Type.BOUNCE || type == BounceReport.Type.DELAY;
			return new ReportedRecipient(r.email(), r.action(), r.status(), r.replyCode(), r.diagnostic(),
					classified ? r.kind() : null, classified ? r.category() : null);
		}

	}

	private final BoundedBounceReader reader;

	private final BounceMatcher matcher;

	private final SuppressionRules rules;

	private final MessageEvents events;

	private final TransactionTemplate transactions;

	private final JdbcClient jdbc;

	private final JsonMapper json;

	private final Clock clock;

	private final MeterRegistry meters;

	private final int maxStoredSize;

	InboundBounces(BounceProperties properties, BounceMatcher matcher, SuppressionRules rules, MessageEvents events,
			TransactionTemplate transactions, JdbcClient jdbc, JsonMapper json, Clock clock, MeterRegistry meters) {
		BounceReader bounceReader = new BounceReader();
		this.reader = new BoundedBounceReader(bounceReader::read, properties.parseThreads(),
				properties.parseTimeout());
		this.matcher = matcher;
		this.rules = rules;
		this.events = events;
		this.transactions = transactions;
		this.jdbc = jdbc;
		this.json = json;
		this.clock = clock;
		this.meters = meters;
		this.maxStoredSize = (int) properties.maxStoredSize().toBytes();
	}

	/**
	 * @param envelopeRecipients the SMTP envelope's recipients (VERP addresses), empty for HTTP
	 * @param testOnly whether only test-mode messages may be matched (the caller used a test key)
	 */
	public Receipt receive(byte[] raw, Source source, List<String> envelopeRecipients, boolean testOnly) {
		UUID id = Ids.next();
		BoundedBounceReader.Outcome outcome = reader.read(raw);
		BounceReport report = outcome.read() ? outcome.report()
				: new BounceReport(BounceReport.Type.UNKNOWN, List.of(), null, null, null);
		Instant now = clock.instant();
		Applied applied = transactions.execute(tx -> {
			Applied a = apply(id, report, outcome, raw, envelopeRecipients, testOnly, now);
			store(id, source, report, outcome, raw, a, now);
			events.append(a.events());
			return a;
		});
		Counter.builder("mailroom.inbound.messages")
			.description("Inbound bounces, complaints and auto-replies")
			.tag("source", source.label())
			.tag("type", report.type().jsonName())
			.tag("status", applied.status())
			.register(meters)
			.increment();
		for (String kind : applied.counted()) {
			Counter.builder("mailroom.bounces").tag("kind", kind).register(meters).increment();
		}
		List<ReportedRecipient> recipients = report.recipients()
			.stream()
			.map(r -> ReportedRecipient.of(r, report.type()))
			.toList();
		return new Receipt(Ids.format("inb", id), report.type(), applied.matched(), applied.status(),
				applied.messageId() == null ? null : Messages.publicId(applied.messageId()), recipients,
				applied.notes());
	}

	/** What taking in one message did. */
	private record Applied(String status, boolean matched, String via, UUID messageId, UUID recipientId,
			List<MessageEvent> events, List<String> notes, List<String> counted) {
	}

	private Applied apply(UUID inboundId, BounceReport report, BoundedBounceReader.Outcome outcome, byte[] raw,
			List<String> envelopeRecipients, boolean testOnly, Instant now) {
		List<String> notes = new ArrayList<>();
		if (!outcome.read()) {
			notes.add(outcome.error());
			return new Applied("unmatched", false, null, null, null, List.of(), notes, List.of());
		}
		BounceMatcher.Match match = matcher.match(report, raw, envelopeRecipients, testOnly);
		if (match.note() != null) {
			notes.add(match.note());
		}
		UUID messageId = match.matched() ? match.targets().get(0).recipient().messageId() : null;
		UUID recipientId = match.matched() ? match.targets().get(0).recipient().id() : null;
		if (report.type() == BounceReport.Type.AUTO_REPLY) {
			notes.add("an auto-reply: stored, not a bounce");
			return new Applied("ignored", match.matched(), match.via(), messageId, recipientId, List.of(), notes,
					List.of());
		}
		if (report.type() == BounceReport.Type.UNKNOWN) {
			notes.add("no bounce, delay or complaint could be read from it");
			return new Applied("unmatched", false, match.via(), messageId, recipientId, List.of(), notes, List.of());
		}
		if (!match.matched()) {
			return new Applied("unmatched", false, null, null, null, List.of(), notes, List.of());
		}
		List<MessageEvent> events = new ArrayList<>();
		List<String> counted = new ArrayList<>();
		// In address order, like SuppressionRules' per-address locks.
		List<BounceMatcher.Target> targets = match.targets()
			.stream()
			.sorted(Comparator.comparing(t -> SuppressionList.key(t.recipient().email())))
			.toList();
		for (BounceMatcher.Target target : targets) {
			applyTo(inboundId, report, target, now, events, notes, counted);
		}
		return new Applied("matched", true, match.via(), messageId, recipientId, events, notes, counted);
	}

	private void applyTo(UUID inboundId, BounceReport report, BounceMatcher.Target target, Instant now,
			List<MessageEvent> events, List<String> notes, List<String> counted) {
		BounceMatcher.Recipient recipient = target.recipient();
		BouncedRecipient reported = target.reported();
		if (report.type() == BounceReport.Type.COMPLAINT) {
			String feedback = report.feedbackType() == null ? "abuse" : report.feedbackType();
			rules.complained(recipient.email(), recipient.messageId(), "complaint: " + feedback, now);
			if (complainedBefore(recipient)) {
				notes.add(recipient.email() + ": complaint already recorded");
				return;
			}
			Map<String, Object> data = data(recipient, inboundId);
			data.put("complaint", Map.of("feedbackType", feedback));
			events.add(new MessageEvent(Ids.next(), recipient.messageId(), recipient.id(), COMPLAINED, now, data));
			counted.add("complaint");
			notes.add(recipient.email() + ": complaint (" + feedback + "), suppressed");
			return;
		}
		if (reported == null) {
			notes.add(recipient.email() + ": the report names no failure for it");
			return;
		}
		if (reported.permanent() || "failed".equals(reported.action())) {
			bounce(inboundId, recipient, reported, now, events, notes, counted);
		}
		else if (reported.status().startsWith("4") || "delayed".equals(reported.action())) {
			Map<String, Object> data = data(recipient, inboundId);
			data.put("smtp", smtp(reported));
			data.put("note", "a server further on reports the delivery delayed: " + reported.diagnostic());
			events.add(new MessageEvent(Ids.next(), recipient.messageId(), recipient.id(), MessageEvent.DEFERRED, now,
					data));
			notes.add(recipient.email() + ": delayed (" + reported.status() + "), noted; status unchanged");
		}
		else {
			notes.add(recipient.email() + ": " + reported.action() + " (" + reported.status() + "), nothing to do");
		}
	}

	/**
	 * A permanent failure: the recipient becomes {@code bounced}, also after a 250 (the server that
	 * accepted it failed to deliver it later). Recipients that were never handed over (queued,
	 * suppressed, cancelled) or are being sent right now are left alone.
	 */
	private void bounce(UUID inboundId, BounceMatcher.Recipient recipient, BouncedRecipient reported, Instant now,
			List<MessageEvent> events, List<String> notes, List<String> counted) {
		String kind = reported.kind().jsonName();
		String category = reported.category().jsonName();
		int updated = jdbc.sql("""
				update recipient set status = 'bounced', bounce_kind = :kind, bounce_category = :category,
				  last_reply_code = :code, last_enhanced_code = :enhanced, last_reply_text = :text,
				  updated_at = :now, final_at = :now
				where id = :id and status in ('delivered', 'deferred', 'failed')""")
			.param("kind", kind)
			.param("category", category)
			.param("code", replyCode(reported))
			.param("enhanced", reported.status())
			.param("text", truncate(reported.diagnostic(), 2000))
			.param("now", Timestamp.from(now))
			.param("id", recipient.id())
			.update();
		if (updated == 0) {
			notes.add(recipient.email() + ": recipient is " + recipient.status() + ", unchanged");
			return;
		}
		BounceClassification.Verdict verdict = new BounceClassification.Verdict(kind, category);
		rules.bounced(List.of(new BounceSuppression.Bounce(recipient.id(), recipient.messageId(), recipient.email(),
				verdict, truncate(reported.diagnostic(), 500))), now);
		Map<String, Object> data = data(recipient, inboundId);
		data.put("smtp", smtp(reported));
		Map<String, Object> bounce = new LinkedHashMap<>();
		bounce.put("kind", kind);
		bounce.put("category", category);
		bounce.put("diagnostic", reported.diagnostic());
		data.put("bounce", bounce);
		events.add(new MessageEvent(Ids.next(), recipient.messageId(), recipient.id(), MessageEvent.BOUNCED, now, data));
		counted.add(kind);
		notes.add(recipient.email() + ": bounced (" + kind + ", " + category + ")"
				+ (verdict.hard() ? ", suppressed" : ""));
	}

	/** Feedback loops send a report per complaint, and some send it again: one event is enough. */
	private boolean complainedBefore(BounceMatcher.Recipient recipient) {
		return jdbc.sql("select exists (select 1 from message_event where message_id = ? and recipient_id = ? and type = ?)")
			.params(recipient.messageId(), recipient.id(), COMPLAINED)
			.query(Boolean.class)
			.single();
	}

	/**
	 * A {@code mailto:} unsubscribe (RFC 2369) for the recipient its signed token names.
	 * @return false when the recipient no longer exists
	 */
	boolean unsubscribe(UUID recipientId) {
		Instant now = clock.instant();
		return Boolean.TRUE.equals(transactions.execute(tx -> matcher.recipient(recipientId, false).map(r -> {
			rules.unsubscribed(r.email(), r.messageId(), "mailto unsubscribe", now);
			return true;
		}).orElse(false)));
	}

	private void store(UUID id, Source source, BounceReport report, BoundedBounceReader.Outcome outcome, byte[] raw,
			Applied applied, Instant now) {
		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("recipients", report.recipients().stream().map(r -> ReportedRecipient.of(r, report.type())).toList());
		summary.put("matchedBy", applied.via());
		summary.put("originalMessageId", report.originalMessageId());
		summary.put("verpAddress", report.verpAddress());
		summary.put("feedbackType", report.feedbackType());
		summary.put("notes", applied.notes());
		summary.put("parsed", outcome.read());
		boolean truncated = raw.length > maxStoredSize;
		jdbc.sql("""
				insert into inbound_message (id, received_at, source, type, status, matched, message_id, recipient_id,
				  size, raw, raw_truncated, summary)
				values (:id, :at, :source, :type, :status, :matched, :message, :recipient, :size, :raw, :truncated,
				  cast(:summary as jsonb))""")
			.param("id", id)
			.param("at", Timestamp.from(now))
			.param("source", source.label())
			.param("type", report.type().jsonName())
			.param("status", applied.status())
			.param("matched", applied.matched())
			.param("message", applied.messageId())
			.param("recipient", applied.recipientId())
			.param("size", raw.length)
			.param("raw", truncated ? Arrays.copyOf(raw, maxStoredSize) : raw)
			.param("truncated", truncated)
			.param("summary", json.writeValueAsString(summary))
			.update();
	}

	private static Map<String, Object> data(BounceMatcher.Recipient r, UUID inboundId) {
		Map<String, Object> data = EventData.base(Messages.publicId(r.messageId()), r.email(), r.template(), r.tags(),
				r.metadata(), r.test());
		data.put("inboundId", Ids.format("inb", inboundId));
		return data;
	}

	private static Map<String, Object> smtp(BouncedRecipient r) {
		return EventData.smtp(replyCode(r), r.status(), r.diagnostic(),
				r.remoteMta() == null || r.remoteMta().isEmpty() ? null : r.remoteMta());
	}

	private static Integer replyCode(BouncedRecipient r) {
		return r.replyCode() != null && r.replyCode().matches("[2-5]\\d\\d") ? Integer.valueOf(r.replyCode()) : null;
	}

	private static String truncate(String s, int max) {
		return s == null || s.length() <= max ? s : s.substring(0, max);
	}

	@Override
	public void destroy() {
		reader.close();
	}

}
