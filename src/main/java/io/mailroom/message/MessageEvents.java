package io.mailroom.message;

import java.sql.Timestamp;
import java.util.List;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Appends events to {@code message_event}: the message timeline and the webhook outbox. Callers
 * run it inside the transaction that changes the state the events describe, so an event exists
 * if and only if its state change committed.
 */
@Component
public class MessageEvents {

	private final JdbcTemplate jdbc;

	private final JsonMapper json;

	public MessageEvents(JdbcTemplate jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	/**
	 * Whether the events need fanning out to webhook endpoints is decided once for the list (V10_2,
	 * V11_3): with no enabled endpoint they are done as written. One query for the list instead of
	 * a row trigger's query per event; as before, an endpoint receives the events of state changes
	 * committed after it was created.
	 */
	public void append(List<MessageEvent> events) {
		if (events.isEmpty()) {
			return;
		}
		boolean nobodyListens = Boolean.TRUE
			.equals(jdbc.queryForObject("select not exists (select 1 from webhook_endpoint where enabled)", Boolean.class));
		jdbc.batchUpdate("""
				insert into message_event (id, message_id, recipient_id, type, occurred_at, data, fanned_out)
				values (?, ?, ?, ?, ?, ?::jsonb, ?)""", events, 500, (ps, e) -> {
			ps.setObject(1, e.id());
			ps.setObject(2, e.messageId());
			ps.setObject(3, e.recipientId());
			ps.setString(4, e.type());
			ps.setTimestamp(5, Timestamp.from(e.occurredAt()));
			ps.setString(6, json.writeValueAsString(e.data()));
			ps.setBoolean(7, nobodyListens);
		});
	}

}
