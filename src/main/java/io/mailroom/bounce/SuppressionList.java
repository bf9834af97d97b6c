package io.mailroom.bounce;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import io.mailroom.delivery.Suppressions;
import io.mailroom.message.Messages;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The suppression list's SQL, all of it. Addresses are keyed by {@link Suppressions#normalize}: the
 * local part exactly as given, the domain case-insensitively (RFC 5321 §2.4 leaves the local part's
 * case to the receiving server, so {@code Ana@example.com} and {@code ana@example.com} may be two
 * mailboxes). An entry with an expiry in the past is no entry at all.
 */
@Component
public class SuppressionList {

	/** Why an address is suppressed; the names are the API's and the table's check constraint's. */
	public enum Reason {

		HARD_BOUNCE, COMPLAINT, MANUAL, UNSUBSCRIBE, SOFT_BOUNCE;

		@JsonValue
		public String label() {
			return name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

		/** @throws IllegalArgumentException for anything but a label */
		public static Reason parse(String label) {
			for (Reason r : values()) {
				if (r.label().equals(label)) {
					return r;
				}
			}
			throw new IllegalArgumentException("not a suppression reason: " + label);
		}

	}

	/** One suppressed address; {@code expiresAt} only for temporary (soft-bounce) entries. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Entry(String email, Reason reason, String detail, String sourceMessageId, Instant createdAt,
			Instant expiresAt) {
	}

	/** A page of entries, newest first; {@code nextCursor} is absent on the last page. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Page(List<Entry> items, String nextCursor) {
	}

	private static final String COLUMNS = "email, reason, detail, source_message_id, created_at, expires_at";

	private static final String ACTIVE = "(expires_at is null or expires_at > :now)";

	private final JdbcClient jdbc;

	SuppressionList(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Suppresses an address for good, unless it already is: the reason that first suppressed it
	 * stays (a hard bounce after a complaint changes nothing). A temporary entry is replaced.
	 * @return whether the list changed
	 */
	public boolean suppress(String email, Reason reason, UUID sourceMessageId, String detail, Instant now) {
		return jdbc.sql("""
				insert into suppression (email, reason, source_message_id, detail, created_at, expires_at)
				values (:email, :reason, :source, :detail, :now, null)
				on conflict (email) do update set reason = excluded.reason, source_message_id = excluded.source_message_id,
				  detail = excluded.detail, created_at = excluded.created_at, expires_at = null
				where suppression.expires_at is not null""")
			.param("email", key(email))
			.param("reason", reason.label())
			.param("source", sourceMessageId)
			.param("detail", truncate(detail))
			.param("now", Timestamp.from(now))
			.update() == 1;
	}

	/**
	 * Suppresses an address until {@code until}, unless it is suppressed for good; a temporary
	 * entry is extended.
	 * @return whether the list changed
	 */
	boolean suppressUntil(String email, Reason reason, UUID sourceMessageId, String detail, Instant now,
			Instant until) {
		return jdbc.sql("""
				insert into suppression (email, reason, source_message_id, detail, created_at, expires_at)
				values (:email, :reason, :source, :detail, :now, :until)
				on conflict (email) do update set reason = excluded.reason, source_message_id = excluded.source_message_id,
				  detail = excluded.detail, created_at = excluded.created_at, expires_at = excluded.expires_at
				where suppression.expires_at is not null""")
			.param("email", key(email))
			.param("reason", reason.label())
			.param("source", sourceMessageId)
			.param("detail", truncate(detail))
			.param("now", Timestamp.from(now))
			.param("until", Timestamp.from(until))
			.update() == 1;
	}

	/** An operator's entry: it replaces whatever the address had. */
	Entry put(String email, Reason reason, String detail, Instant now) {
		return jdbc.sql("""
				insert into suppression (email, reason, source_message_id, detail, created_at, expires_at)
				values (:email, :reason, null, :detail, :now, null)
				on conflict (email) do update set reason = excluded.reason, source_message_id = null,
				  detail = excluded.detail, created_at = excluded.created_at, expires_at = null
				returning\s""" + COLUMNS)
			.param("email", key(email))
			.param("reason", reason.label())
			.param("detail", truncate(detail))
			.param("now", Timestamp.from(now))
			.query((rs, n) -> entry(rs))
			.single();
	}

	public Optional<Entry> find(String email, Instant now) {
		return jdbc.sql("select " + COLUMNS + " from suppression where email = :email and " + ACTIVE)
			.param("email", key(email))
			.param("now", Timestamp.from(now))
			.query((rs, n) -> entry(rs))
			.optional();
	}

	/** @return false when the address was not suppressed */
	boolean remove(String email, Instant now) {
		return jdbc.sql("delete from suppression where email = :email and " + ACTIVE)
			.param("email", key(email))
			.param("now", Timestamp.from(now))
			.update() == 1;
	}

	/**
	 * Keyset pagination over {@code (created_at desc, email)}, which the table's index serves.
	 * @param email only this address (normalised), or null
	 * @param reason only this reason, or null
	 * @param cursor the previous page's {@code nextCursor}, or null
	 */
	Page page(String email, Reason reason, int limit, String cursor, Instant now) {
		Cursor after = cursor == null ? null : Cursor.decode(cursor);
		List<Entry> rows = jdbc.sql("select " + COLUMNS + " from suppression where " + ACTIVE + """
				  and (cast(:email as text) is null or email = :email)
				  and (cast(:reason as text) is null or reason = :reason)
				  and (cast(:at as timestamptz) is null or created_at < :at or (created_at = :at and email > :after))
				order by created_at desc, email
				limit :limit""")
			.param("now", Timestamp.from(now))
			.param("email", email == null ? null : key(email))
			.param("reason", reason == null ? null : reason.label())
			.param("at", after == null ? null : Timestamp.from(after.createdAt()))
			.param("after", after == null ? null : after.email())
			.param("limit", limit + 1)
			.query((rs, n) -> entry(rs))
			.list();
		boolean more = rows.size() > limit;
		List<Entry> items = more ? rows.subList(0, limit) : rows;
		Entry last = more ? items.get(items.size() - 1) : null;
		return new Page(items, last == null ? null : new Cursor(last.createdAt(), last.email()).encode());
	}

	/** Where a page ended: the last entry's time and address. */
	record Cursor(Instant createdAt, String email) {

		String encode() {
			long micros = ChronoUnit.MICROS.between(Instant.EPOCH, createdAt);
			return Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString(("s" + micros + "|" + email).getBytes(StandardCharsets.UTF_8));
		}

		/** @throws IllegalArgumentException when the text is not a cursor this API gave out */
		static Cursor decode(String text) {
			String s = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
			int bar = s.indexOf('|');
			if (!s.startsWith("s") || bar < 2) {
				throw new IllegalArgumentException("not a cursor");
			}
			long micros = Long.parseLong(s.substring(1, bar));
			return new Cursor(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), s.substring(bar + 1));
		}

	}

	private static Entry entry(ResultSet rs) throws SQLException {
		UUID source = rs.getObject("source_message_id", UUID.class);
		Timestamp expires = rs.getTimestamp("expires_at");
		return new Entry(rs.getString("email"), Reason.parse(rs.getString("reason")), rs.getString("detail"),
				source == null ? null : Messages.publicId(source), rs.getTimestamp("created_at").toInstant(),
				expires == null ? null : expires.toInstant());
	}

	/**
	 * {@link Suppressions#normalize}, also for addresses read from bounces that are not valid IDNs:
	 * their domain is then only lower-cased.
	 */
	static String key(String email) {
		try {
			return Suppressions.normalize(email);
		}
		catch (IllegalArgumentException ex) {
			int at = email.lastIndexOf('@');
			return at < 0 ? email : email.substring(0, at + 1) + email.substring(at + 1).toLowerCase(Locale.ROOT);
		}
	}

	private static String truncate(String s) {
		return s == null || s.length() <= 500 ? s : s.substring(0, 500);
	}

}
