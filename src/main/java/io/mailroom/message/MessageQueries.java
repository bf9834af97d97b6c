package io.mailroom.message;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.mailroom.common.Ids;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Reads messages for the API. */
@Component
class MessageQueries {

	private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
	};

	private final JdbcClient jdbc;

	private final JsonMapper json;

	MessageQueries(JdbcClient jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	Optional<MessageView> find(UUID id) {
		List<MessageView.Recipient> recipients = jdbc.sql("""
				select email, name, kind, status, attempts, next_attempt_at, last_reply_code, last_enhanced_code,
				       last_reply_text, bounce_kind, bounce_category, final_at
				from recipient where message_id = ? order by seq""").param(id).query((rs, n) -> recipient(rs)).list();
		if (recipients.isEmpty()) {
			return Optional.empty();
		}
		List<MessageView.Attempt> attempts = jdbc.sql("""
				select r.email, a.attempt, a.started_at, a.duration_ms, a.host, a.reply_code, a.enhanced_code,
				       a.reply_text, a.outcome, a.transcript
				from delivery_attempt a join recipient r on r.id = a.recipient_id
				where a.message_id = ? order by a.started_at, r.seq""").param(id).query((rs, n) -> attempt(rs)).list();
		List<MessageView.Event> events = jdbc.sql("""
				select e.id, e.type, r.email, e.occurred_at, e.data::text
				from message_event e left join recipient r on r.id = e.recipient_id
				where e.message_id = ? order by e.occurred_at, e.id""")
			.param(id)
			.query((rs, n) -> new MessageView.Event(Ids.format("evt", rs.getObject(1, UUID.class)), rs.getString(2),
					rs.getString(3), instant(rs, 4), json.readValue(rs.getString(5), MAP)))
			.list();
		RecipientStatus status = RecipientStatus
			.summary(recipients.stream().map(r -> RecipientStatus.parse(r.status())).toList());
		return jdbc.sql("""
				select id, template, template_version, locale, category, from_email, subject, message_id_header,
				       tags, metadata::text, priority, send_at, test, created_at
				from message where id = ?""")
			.param(id)
			.query((rs, n) -> new MessageView(Messages.publicId(id), status.label(), rs.getString("template"),
					rs.getInt("template_version"), rs.getString("locale"), rs.getString("category"),
					rs.getString("from_email"), rs.getString("subject"), rs.getString("message_id_header"),
					Arrays.asList((String[]) rs.getArray("tags").getArray()), json.readValue(rs.getString(10), MAP),
					Priority.ofRank(rs.getInt("priority")).label(), instant(rs, "send_at"), rs.getBoolean("test"),
					instant(rs, "created_at"), recipients, attempts, events))
			.optional();
	}

	Optional<MessageView.Content> content(UUID id) {
		return jdbc.sql("select subject, text_body, html_body from message where id = ?")
			.param(id)
			.query((rs, n) -> new MessageView.Content(Messages.publicId(id), rs.getString(1), rs.getString(2),
					rs.getString(3)))
			.optional();
	}

	Optional<byte[]> raw(UUID id) {
		return jdbc.sql("select mime from message where id = ? and mime is not null").param(id).query(byte[].class).optional();
	}

	private static MessageView.Recipient recipient(ResultSet rs) throws SQLException {
		Integer code = (Integer) rs.getObject("last_reply_code");
		MessageView.Reply reply = code == null && rs.getString("last_reply_text") == null ? null
				: new MessageView.Reply(code, rs.getString("last_enhanced_code"), rs.getString("last_reply_text"));
		MessageView.Bounce bounce = rs.getString("bounce_kind") == null ? null
				: new MessageView.Bounce(rs.getString("bounce_kind"), rs.getString("bounce_category"));
		String status = rs.getString("status");
		return new MessageView.Recipient(rs.getString("email"), rs.getString("name"), rs.getString("kind"), status,
				rs.getInt("attempts"), RecipientStatus.parse(status).isFinal() ? null : instant(rs, "next_attempt_at"),
				reply, bounce, instant(rs, "final_at"));
	}

	private static MessageView.Attempt attempt(ResultSet rs) throws SQLException {
		return new MessageView.Attempt(rs.getString(1), rs.getInt(2), instant(rs, 3), rs.getLong(4), rs.getString(5),
				(Integer) rs.getObject(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10));
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		Timestamp t = rs.getTimestamp(column);
		return t == null ? null : t.toInstant();
	}

	private static Instant instant(ResultSet rs, int column) throws SQLException {
		Timestamp t = rs.getTimestamp(column);
		return t == null ? null : t.toInstant();
	}

}
