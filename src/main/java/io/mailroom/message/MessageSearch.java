package io.mailroom.message;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * {@code GET /messages}: filtered, keyset-paginated listing, newest first. The order is
 * (created_at, id) descending, and a page starts strictly after the cursor's row, so pages never
 * overlap and messages accepted meanwhile (newer than any cursor) never shift later pages.
 * <p>
 * A page is read from one index in that order and stops after the page (see {@link Driver}); the
 * indexes are in the V10 migration, the {@code EXPLAIN} plans in the README.
 */
@Component
class MessageSearch {

	private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
	};

	private final NamedParameterJdbcTemplate jdbc;

	private final JsonMapper json;

	MessageSearch(NamedParameterJdbcTemplate jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	/** The SQL and its parameters for one page (one more row than the page, to know whether another follows). */
	record Query(String sql, MapSqlParameterSource parameters) {
	}

	MessagePage search(MessageFilter filter) {
		Query query = query(filter);
		List<Row> rows = jdbc.query(query.sql(), query.parameters(), (rs, n) -> new Row(rs.getObject("id", UUID.class),
				rs.getTimestamp("created_at").toInstant(), rs.getString("template"), rs.getString("subject"),
				rs.getString("from_email"), Arrays.asList((String[]) rs.getArray("tags").getArray()),
				json.readValue(rs.getString("metadata"), MAP), Priority.ofRank(rs.getInt("priority")).label(),
				rs.getTimestamp("send_at") == null ? null : rs.getTimestamp("send_at").toInstant(),
				rs.getBoolean("test")));
		boolean more = rows.size() > filter.limit();
		List<Row> page = more ? rows.subList(0, filter.limit()) : rows;
		Map<UUID, List<MessagePage.Recipient>> recipients = recipients(page.stream().map(Row::id).toList());
		List<MessagePage.Summary> items = page.stream().map(r -> {
			List<MessagePage.Recipient> rs = recipients.getOrDefault(r.id(), List.of());
			String status = RecipientStatus.summary(rs.stream().map(x -> RecipientStatus.parse(x.status())).toList())
				.label();
			return new MessagePage.Summary(Messages.publicId(r.id()), status, r.template(), r.subject(), r.from(), rs,
					r.tags(), r.metadata(), r.priority(), r.sendAt(), r.test(), r.createdAt());
		}).toList();
		String next = null;
		if (more) {
			Row last = page.get(page.size() - 1);
			next = new PageCursor(last.createdAt(), last.id()).encode();
		}
		return new MessagePage(items, next);
	}

	private record Row(UUID id, java.time.Instant createdAt, String template, String subject, String from,
			List<String> tags, Map<String, Object> metadata, String priority, java.time.Instant sendAt, boolean test) {
	}

	/**
	 * Which index a page is read from, newest first: the one for the filter most likely to be
	 * selective. A recipient address matches few messages; every status but {@code delivered} is
	 * rare by nature (delivered is where nearly all mail ends up), so a tag or metadata value is
	 * the better guide next to it; the metadata index cannot return rows in order, so PostgreSQL
	 * chooses between it and the creation-order index itself.
	 */
	enum Driver {

		RECIPIENT, TAG, MESSAGE;

		static Driver of(MessageFilter filter) {
			boolean messageSide = !filter.tags().isEmpty() || !filter.metadata().isEmpty();
			if (filter.recipient() != null
					|| (filter.status() != null && (filter.status() != RecipientStatus.DELIVERED || !messageSide))) {
				return RECIPIENT;
			}
			return filter.tags().isEmpty() ? MESSAGE : TAG;
		}

	}

	private static String statusLiteral(RecipientStatus status) {
		return "'" + status.label() + "'";
	}

	Query query(MessageFilter filter) {
		Driver driver = Driver.of(filter);
		MapSqlParameterSource p = new MapSqlParameterSource();
		List<String> where = new ArrayList<>();
		String from;
		// The driving table's own (created_at, id) columns, so that bounds and order use its index.
		String createdAt;
		String id;
		switch (driver) {
			case RECIPIENT -> {
				from = "recipient d join message m on m.id = d.message_id";
				createdAt = "d.created_at";
				id = "d.message_id";
				if (filter.status() != null) {
					// a literal (an enum's label), not a parameter: recipient_status_created_idx is
					// partial (not 'sending'), and only a literal lets the planner prove it applies
					where.add("d.status = " + statusLiteral(filter.status()));
				}
				if (filter.recipient() != null) {
					where.add("lower(d.email) = lower(:recipient)");
				}
			}
			case TAG -> {
				from = "message_tag d join message m on m.id = d.message_id";
				createdAt = "d.created_at";
				id = "d.message_id";
				where.add("d.tag = :tag");
				p.addValue("tag", filter.tags().get(0));
			}
			default -> {
				from = "message m";
				createdAt = "m.created_at";
				id = "m.id";
			}
		}
		if (filter.status() != null && driver != Driver.RECIPIENT) {
			where.add("exists (select 1 from recipient r where r.message_id = m.id and r.status = "
					+ statusLiteral(filter.status()) + ")");
		}
		if (filter.recipient() != null) {
			p.addValue("recipient", filter.recipient());
		}
		if (filter.cursor() != null) {
			p.addValue("cursorAt", Timestamp.from(filter.cursor().createdAt())).addValue("cursorId", filter.cursor().id());
			where.add("(" + createdAt + ", " + id + ") < (:cursorAt, :cursorId)");
		}
		if (filter.since() != null) {
			p.addValue("since", Timestamp.from(filter.since()));
			where.add(createdAt + " >= :since");
		}
		if (filter.until() != null) {
			p.addValue("until", Timestamp.from(filter.until()));
			where.add(createdAt + " < :until");
		}
		if (filter.template() != null) {
			p.addValue("template", filter.template());
			where.add("m.template = :template");
		}
		if (filter.tags().size() > (driver == Driver.TAG ? 1 : 0)) {
			List<String> names = new ArrayList<>();
			for (int i = 0; i < filter.tags().size(); i++) {
				p.addValue("tag" + i, filter.tags().get(i));
				names.add(":tag" + i);
			}
			where.add("m.tags @> array[" + String.join(", ", names) + "]::text[]");
		}
		if (!filter.metadata().isEmpty()) {
			p.addValue("metadata", json.writeValueAsString(filter.metadata()));
			where.add("m.metadata @> cast(:metadata as jsonb)");
		}
		p.addValue("limit", filter.limit() + 1);
		// Several recipients of one message can match: one row per message.
		String distinct = driver == Driver.RECIPIENT ? "distinct on (" + createdAt + ", " + id + ") " : "";
		String sql = """
				select %sm.id, m.created_at, m.template, m.subject, m.from_email, m.tags,
				       m.metadata::text as metadata, m.priority, m.send_at, m.test
				from %s
				%s
				order by %s desc, %s desc
				limit :limit""".formatted(distinct, from,
				where.isEmpty() ? "" : "where " + String.join("\n  and ", where), createdAt, id);
		return new Query(sql, p);
	}

	private Map<UUID, List<MessagePage.Recipient>> recipients(List<UUID> messageIds) {
		Map<UUID, List<MessagePage.Recipient>> result = new LinkedHashMap<>();
		if (messageIds.isEmpty()) {
			return result;
		}
		jdbc.query("select message_id, email, kind, status from recipient where message_id in (:ids) order by message_id, seq",
				new MapSqlParameterSource("ids", messageIds), rs -> {
					result.computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>())
						.add(new MessagePage.Recipient(rs.getString(2), rs.getString(3), rs.getString(4)));
				});
		return result;
	}

}
