package io.mailroom.message;

import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.util.List;
import java.util.UUID;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.ConnectionCallback;
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
	 * One statement for the whole list, in its order ({@code seq} follows it). Whether the events
	 * need fanning out to webhook endpoints is decided once for the statement: with no enabled
	 * endpoint they are done as written (V10_2, V11_3).
	 */
	public void append(List<MessageEvent> events) {
		if (events.isEmpty()) {
			return;
		}
		int n = events.size();
		UUID[] ids = new UUID[n];
		UUID[] messageIds = new UUID[n];
		UUID[] recipientIds = new UUID[n];
		String[] types = new String[n];
		Timestamp[] occurred = new Timestamp[n];
		String[] data = new String[n];
		for (int i = 0; i < n; i++) {
			MessageEvent e = events.get(i);
			ids[i] = e.id();
			messageIds[i] = e.messageId();
			recipientIds[i] = e.recipientId();
			types[i] = e.type();
			occurred[i] = Timestamp.from(e.occurredAt());
			data[i] = json.writeValueAsString(e.data());
		}
		jdbc.execute((ConnectionCallback<Integer>) connection -> {
			try (PreparedStatement ps = connection.prepareStatement(APPEND)) {
				ps.setArray(1, connection.createArrayOf("uuid", ids));
				ps.setArray(2, connection.createArrayOf("uuid", messageIds));
				ps.setArray(3, connection.createArrayOf("uuid", recipientIds));
				ps.setArray(4, connection.createArrayOf("text", types));
				ps.setArray(5, connection.createArrayOf("timestamptz", occurred));
				ps.setArray(6, connection.createArrayOf("text", data));
				return ps.executeUpdate();
			}
		});
	}

	private static final String APPEND = """
			insert into message_event (id, message_id, recipient_id, type, occurred_at, data, fanned_out)
			select u.id, u.message_id, u.recipient_id, u.type, u.occurred_at, u.data::jsonb,
			       (select not exists (select 1 from webhook_endpoint where enabled))
			from unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::text[], ?::timestamptz[], ?::text[])
			     with ordinality as u(id, message_id, recipient_id, type, occurred_at, data, ord)
			order by u.ord""";

}
