package io.mailroom.webhook;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.mailroom.common.Ids;
import io.mailroom.message.Messages;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Reads the deliveries log of an endpoint: deliveries newest first, each with its attempts. */
@Component
class DeliveryLog {

	static final String ID_PREFIX = "whd";

	private static final String COLUMNS = """
			d.id, d.seq, d.event_id, coalesce(d.replay_of, d.id) as original_id, d.event_type, d.message_id, d.status,
			d.attempts, d.next_attempt_at, d.last_status_code, d.last_error, d.replay_of, d.created_at, d.completed_at""";

	private final JdbcClient jdbc;

	DeliveryLog(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	private record Row(long seq, WebhookViews.Delivery delivery) {
	}

	/**
	 * @param status only deliveries in this status, or null for all
	 * @param cursor the previous page's {@code nextCursor}, or null for the first page
	 */
	WebhookViews.Page<WebhookViews.Delivery> page(UUID endpointId, String status, int limit, String cursor) {
		Long before = cursor == null ? null : decodeCursor(cursor);
		List<Row> rows = jdbc.sql("select " + COLUMNS + """
				 from webhook_delivery d
				where d.endpoint_id = :endpoint and (cast(:status as text) is null or d.status = :status)
				  and (cast(:before as bigint) is null or d.seq < :before)
				order by d.seq desc
				limit :limit""")
			.param("endpoint", endpointId)
			.param("status", status)
			.param("before", before)
			.param("limit", limit + 1)
			.query((rs, n) -> new Row(rs.getLong("seq"), delivery(rs, List.of())))
			.list();
		boolean more = rows.size() > limit;
		List<Row> page = more ? rows.subList(0, limit) : rows;
		Map<String, List<WebhookViews.Attempt>> attempts = attempts(
				page.stream().map(r -> Ids.parse(ID_PREFIX, r.delivery().id())).toList());
		List<WebhookViews.Delivery> items = page.stream().map(r -> withAttempts(r.delivery(), attempts)).toList();
		return new WebhookViews.Page<>(items, more ? encodeCursor(page.get(page.size() - 1).seq()) : null);
	}

	Optional<WebhookViews.Delivery> find(UUID endpointId, UUID deliveryId) {
		return jdbc.sql("select " + COLUMNS + " from webhook_delivery d where d.endpoint_id = ? and d.id = ?")
			.params(endpointId, deliveryId)
			.query((rs, n) -> delivery(rs, List.of()))
			.optional()
			.map(d -> withAttempts(d, attempts(List.of(deliveryId))));
	}

	private Map<String, List<WebhookViews.Attempt>> attempts(List<UUID> deliveryIds) {
		Map<String, List<WebhookViews.Attempt>> byDelivery = new LinkedHashMap<>();
		if (deliveryIds.isEmpty()) {
			return byDelivery;
		}
		jdbc.sql("""
				select delivery_id, attempt, started_at, duration_ms, status_code, error, response_body
				from webhook_attempt where delivery_id in (:ids) order by delivery_id, attempt""")
			.param("ids", deliveryIds)
			.query((rs, n) -> {
				byDelivery.computeIfAbsent(Ids.format(ID_PREFIX, rs.getObject(1, UUID.class)), k -> new ArrayList<>())
					.add(new WebhookViews.Attempt(rs.getInt(2), rs.getTimestamp(3).toInstant(), rs.getLong(4),
							(Integer) rs.getObject(5), rs.getString(6), rs.getString(7)));
				return null;
			})
			.list();
		return byDelivery;
	}

	private static WebhookViews.Delivery withAttempts(WebhookViews.Delivery d,
			Map<String, List<WebhookViews.Attempt>> attempts) {
		return new WebhookViews.Delivery(d.id(), d.eventId(), d.eventType(), d.messageId(), d.status(),
				d.attemptCount(), d.nextAttemptAt(), d.lastStatusCode(), d.lastError(), d.replayOf(), d.createdAt(),
				d.completedAt(), attempts.getOrDefault(d.id(), List.of()));
	}

	private static WebhookViews.Delivery delivery(ResultSet rs, List<WebhookViews.Attempt> attempts)
			throws SQLException {
		UUID eventId = rs.getObject("event_id", UUID.class);
		UUID messageId = rs.getObject("message_id", UUID.class);
		UUID replayOf = rs.getObject("replay_of", UUID.class);
		String status = rs.getString("status");
		boolean open = status.equals("pending") || status.equals("sending");
		return new WebhookViews.Delivery(Ids.format(ID_PREFIX, rs.getObject("id", UUID.class)),
				Ids.format("evt", eventId != null ? eventId : rs.getObject("original_id", UUID.class)),
				rs.getString("event_type"), messageId == null ? null : Messages.publicId(messageId), status,
				rs.getInt("attempts"), open ? instant(rs, "next_attempt_at") : null,
				(Integer) rs.getObject("last_status_code"), rs.getString("last_error"),
				replayOf == null ? null : Ids.format(ID_PREFIX, replayOf), instant(rs, "created_at"),
				instant(rs, "completed_at"), attempts);
	}

	static String encodeCursor(long seq) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(("d" + seq).getBytes(StandardCharsets.US_ASCII));
	}

	/** @throws IllegalArgumentException when the text is not a cursor this API gave out */
	static long decodeCursor(String cursor) {
		String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
		if (!text.startsWith("d")) {
			throw new IllegalArgumentException("not a cursor");
		}
		return Long.parseLong(text.substring(1));
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		Timestamp t = rs.getTimestamp(column);
		return t == null ? null : t.toInstant();
	}

}
