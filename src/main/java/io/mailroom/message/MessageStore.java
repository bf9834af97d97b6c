package io.mailroom.message;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

import io.mailroom.common.Ids;

/**
 * Writes accepted messages: message rows, recipient rows, their first events, and the wake-up
 * notification for the delivery workers, in JDBC batches inside the caller's transaction.
 */
@Component
class MessageStore {

	/** The channel the delivery workers LISTEN on; NOTIFY is delivered at commit. */
	static final String WORK_CHANNEL = "mailroom_work";

	private static final TypeReference<Map<String, String>> METADATA = new TypeReference<>() {
	};

	private final JdbcTemplate jdbc;

	private final NamedParameterJdbcTemplate named;

	private final MessageEvents events;

	private final JsonMapper json;

	MessageStore(JdbcTemplate jdbc, MessageEvents events, JsonMapper json) {
		this.jdbc = jdbc;
		this.named = new NamedParameterJdbcTemplate(jdbc);
		this.events = events;
		this.json = json;
	}

	/** Which of these normalised addresses are suppressed right now. */
	Set<String> suppressed(List<PreparedMessage> messages, Instant now) {
		Set<String> emails = new HashSet<>();
		messages.forEach(m -> m.recipients().forEach(r -> emails.add(r.address().normalized())));
		if (emails.isEmpty()) {
			return Set.of();
		}
		return new HashSet<>(named.queryForList(
				"select email from suppression where email in (:emails) and (expires_at is null or expires_at > :now)",
				new MapSqlParameterSource("emails", emails).addValue("now", Timestamp.from(now)), String.class));
	}

	/** Inserts the messages; returns each recipient's initial status, by recipient id. */
	Map<UUID, RecipientStatus> insert(List<PreparedMessage> messages, Set<String> suppressed) {
		jdbc.batchUpdate("""
				insert into message (id, api_key_id, test, template, template_version, locale, category, from_email,
				  from_name, reply_to, subject, text_body, html_body, mime, message_id_header, tags, metadata,
				  priority, send_at, created_at)
				values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, convert_from(?, 'UTF8'), convert_from(?, 'UTF8'), ?, ?, ?, ?::jsonb,
				  ?, ?, ?)""", messages, 500, (ps, m) -> {
			ps.setObject(1, m.id());
			ps.setObject(2, m.caller().keyId());
			ps.setBoolean(3, m.caller().test());
			ps.setString(4, m.rendered().name());
			ps.setInt(5, m.rendered().version());
			ps.setString(6, m.locale());
			ps.setString(7, m.category());
			ps.setString(8, m.from().toString());
			ps.setString(9, m.fromName());
			ps.setString(10, m.replyTo());
			ps.setString(11, m.subject());
			// the bodies as the composer encoded them (see MimeComposer.Composition)
			ps.setBytes(12, m.textUtf8());
			ps.setBytes(13, m.htmlUtf8());
			ps.setBytes(14, m.mime());
			ps.setString(15, m.messageIdHeader());
			ps.setArray(16, ps.getConnection().createArrayOf("text", m.tags().toArray()));
			ps.setString(17, json.writeValueAsString(m.metadata()));
			ps.setInt(18, m.priority().rank());
			ps.setTimestamp(19, m.sendAt() == null ? null : Timestamp.from(m.sendAt()));
			ps.setTimestamp(20, Timestamp.from(m.createdAt()));
		});

		record Row(PreparedMessage message, PreparedMessage.Recipient recipient, RecipientStatus status) {
		}
		List<Row> rows = new ArrayList<>();
		Map<UUID, RecipientStatus> statuses = new LinkedHashMap<>();
		List<MessageEvent> initialEvents = new ArrayList<>();
		for (PreparedMessage m : messages) {
			for (PreparedMessage.Recipient r : m.recipients()) {
				RecipientStatus status = suppressed.contains(r.address().normalized()) ? RecipientStatus.SUPPRESSED
						: m.sendAt() != null ? RecipientStatus.SCHEDULED : RecipientStatus.QUEUED;
				rows.add(new Row(m, r, status));
				statuses.put(r.id(), status);
				String type = status == RecipientStatus.SUPPRESSED ? MessageEvent.SUPPRESSED : MessageEvent.QUEUED;
				Map<String, Object> data = EventData.base(m.publicId(), r.address().toString(), m.rendered().name(),
						m.tags(), m.metadata(), m.caller().test());
				if (status == RecipientStatus.SUPPRESSED) {
					data.put("reason", "The address is on the suppression list");
				}
				initialEvents.add(new MessageEvent(Ids.next(), m.id(), r.id(), type, m.createdAt(), data));
			}
		}
		jdbc.batchUpdate("""
				insert into recipient (id, message_id, seq, kind, email, name, domain, status, priority,
				  next_attempt_at, created_at, updated_at, final_at)
				values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows, 1000, (ps, row) -> {
			PreparedMessage m = row.message();
			Timestamp created = Timestamp.from(m.createdAt());
			ps.setObject(1, row.recipient().id());
			ps.setObject(2, m.id());
			ps.setInt(3, row.recipient().seq());
			ps.setString(4, row.recipient().kind());
			ps.setString(5, row.recipient().address().toString());
			ps.setString(6, row.recipient().name());
			ps.setString(7, row.recipient().address().asciiDomain());
			ps.setString(8, row.status().label());
			ps.setInt(9, m.priority().rank());
			ps.setTimestamp(10, m.sendAt() != null ? Timestamp.from(m.sendAt()) : created);
			ps.setTimestamp(11, created);
			ps.setTimestamp(12, created);
			ps.setTimestamp(13, row.status().isFinal() ? created : null);
		});
		record Tag(PreparedMessage message, String tag) {
		}
		List<Tag> tags = new ArrayList<>();
		messages.forEach(m -> m.tags().stream().distinct().forEach(t -> tags.add(new Tag(m, t))));
		jdbc.batchUpdate("insert into message_tag (tag, created_at, message_id) values (?, ?, ?)", tags, 1000,
				(ps, t) -> {
					ps.setString(1, t.tag());
					ps.setTimestamp(2, Timestamp.from(t.message().createdAt()));
					ps.setObject(3, t.message().id());
				});
		events.append(initialEvents);
		jdbc.execute("notify " + WORK_CHANNEL);
		return statuses;
	}

	/** A recipient {@link #cancel} took out of the queue. */
	record Cancelled(UUID recipientId, String email) {
	}

	/**
	 * Cancels the message's recipients that are not being sent and not finished, with their
	 * {@code message.cancelled} events, in the caller's transaction. The status condition is
	 * re-checked after any row lock is granted (READ COMMITTED), so a recipient a worker claimed
	 * meanwhile is {@code sending} by then and stays untouched.
	 */
	List<Cancelled> cancel(UUID messageId, Instant now) {
		Timestamp at = Timestamp.from(now);
		List<MessageEvent> cancelEvents = jdbc.query("""
				with cancelled as (
				    update recipient set status = 'cancelled', final_at = ?, updated_at = ?,
				           claimed_by = null, claimed_until = null
				    where message_id = ? and status in ('scheduled', 'queued', 'deferred')
				    returning id, email, seq
				)
				select c.id, c.email, m.template, m.tags, m.metadata::text, m.test
				from cancelled c join message m on m.id = ?
				order by c.seq""", (rs, n) -> {
			String email = rs.getString(2);
			Map<String, Object> data = EventData.base(Messages.publicId(messageId), email, rs.getString(3),
					Arrays.asList((String[]) rs.getArray(4).getArray()), json.readValue(rs.getString(5), METADATA),
					rs.getBoolean(6));
			data.put("reason", "cancelled through the API");
			return new MessageEvent(Ids.next(), messageId, rs.getObject(1, UUID.class), MessageEvent.CANCELLED, now, data);
		}, at, at, messageId, messageId);
		List<Cancelled> cancelled = cancelEvents.stream()
			.map(e -> new Cancelled(e.recipientId(), (String) e.data().get("recipient")))
			.toList();
		events.append(cancelEvents);
		return cancelled;
	}

	/** The statuses of a message's recipients, in order; empty when there is no such message. */
	List<RecipientStatus> recipientStatuses(UUID messageId) {
		return jdbc.queryForList("select status from recipient where message_id = ? order by seq", String.class, messageId)
			.stream()
			.map(RecipientStatus::parse)
			.toList();
	}

}
