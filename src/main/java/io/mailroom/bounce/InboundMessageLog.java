package io.mailroom.bounce;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mailroom.common.Ids;
import io.mailroom.message.Messages;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Reads the stored inbound messages for {@code GET /inbound/bounces}. */
@Component
class InboundMessageLog {

	private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
	};

	static final String ID_PREFIX = "inb";

	/** One stored inbound message, without its raw bytes. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Item(String id, Instant receivedAt, String source, String type, String status, boolean matched,
			String messageId, int size, boolean truncated, Map<String, Object> summary) {
	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Page(List<Item> items, String nextCursor) {
	}

	private static final String COLUMNS = """
			id, received_at, source, type, status, matched, message_id, size, raw_truncated, summary::text""";

	private final JdbcClient jdbc;

	private final JsonMapper json;

	InboundMessageLog(JdbcClient jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	/** Newest first; ids are UUIDv7, so the id alone orders and keys the pages. */
	Page page(String status, int limit, String cursor) {
		UUID before = cursor == null ? null : decodeCursor(cursor);
		List<Item> rows = jdbc.sql("select " + COLUMNS + """
				 from inbound_message
				where (cast(:status as text) is null or status = :status)
				  and (cast(:before as uuid) is null or id < :before)
				order by id desc
				limit :limit""")
			.param("status", status)
			.param("before", before)
			.param("limit", limit + 1)
			.query((rs, n) -> item(rs))
			.list();
		boolean more = rows.size() > limit;
		List<Item> items = more ? rows.subList(0, limit) : rows;
		return new Page(items, more ? encodeCursor(Ids.parse(ID_PREFIX, items.get(items.size() - 1).id())) : null);
	}

	Optional<Item> find(UUID id) {
		return jdbc.sql("select " + COLUMNS + " from inbound_message where id = ?")
			.param(id)
			.query((rs, n) -> item(rs))
			.optional();
	}

	Optional<byte[]> raw(UUID id) {
		return jdbc.sql("select raw from inbound_message where id = ?").param(id).query(byte[].class).optional();
	}

	private Item item(ResultSet rs) throws SQLException {
		UUID messageId = rs.getObject("message_id", UUID.class);
		return new Item(Ids.format(ID_PREFIX, rs.getObject("id", UUID.class)), rs.getTimestamp("received_at").toInstant(),
				rs.getString("source"), rs.getString("type"), rs.getString("status"), rs.getBoolean("matched"),
				messageId == null ? null : Messages.publicId(messageId), rs.getInt("size"),
				rs.getBoolean("raw_truncated"), json.readValue(rs.getString("summary"), MAP));
	}

	static String encodeCursor(UUID id) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(("i" + id).getBytes(StandardCharsets.US_ASCII));
	}

	/** @throws IllegalArgumentException when the text is not a cursor this API gave out */
	static UUID decodeCursor(String cursor) {
		String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
		if (!text.startsWith("i")) {
			throw new IllegalArgumentException("not a cursor");
		}
		return UUID.fromString(text.substring(1));
	}

}
