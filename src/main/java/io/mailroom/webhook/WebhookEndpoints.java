package io.mailroom.webhook;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The {@code webhook_endpoint} table. */
@Component
class WebhookEndpoints {

	private static final String COLUMNS = """
			id, url, description, event_types, enabled, disabled_reason, disabled_at, secret, previous_secret,
			previous_secret_until, failing_since, created_at, updated_at""";

	private final JdbcClient jdbc;

	WebhookEndpoints(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void insert(WebhookEndpoint e) {
		jdbc.sql("insert into webhook_endpoint (" + COLUMNS
				+ ") values (:id, :url, :description, :types, :enabled, null, null, :secret, null, null, null, :now, :now)")
			.param("id", e.id())
			.param("url", e.url())
			.param("description", e.description())
			.param("types", e.eventTypes() == null ? null : e.eventTypes().toArray(String[]::new))
			.param("enabled", e.enabled())
			.param("secret", e.secret())
			.param("now", Timestamp.from(e.createdAt()))
			.update();
	}

	Optional<WebhookEndpoint> find(UUID id) {
		return jdbc.sql("select " + COLUMNS + " from webhook_endpoint where id = ?")
			.param(id)
			.query((rs, n) -> endpoint(rs))
			.optional();
	}

	List<WebhookEndpoint> list() {
		return jdbc.sql("select " + COLUMNS + " from webhook_endpoint order by created_at, id")
			.query((rs, n) -> endpoint(rs))
			.list();
	}

	/** Saves url, description, event types and the enabled flag; enabling clears the disable reason. */
	void update(WebhookEndpoint e, Instant now) {
		jdbc.sql("""
				update webhook_endpoint
				set url = :url, description = :description, event_types = :types,
				    disabled_reason = case when :enabled then null
				                           when enabled then 'Disabled through the API' else disabled_reason end,
				    disabled_at = case when :enabled then null when enabled then :now else disabled_at end,
				    failing_since = case when :enabled and not enabled then null else failing_since end,
				    enabled = :enabled, updated_at = :now
				where id = :id""")
			.param("url", e.url())
			.param("description", e.description())
			.param("types", e.eventTypes() == null ? null : e.eventTypes().toArray(String[]::new))
			.param("enabled", e.enabled())
			.param("now", Timestamp.from(now))
			.param("id", e.id())
			.update();
	}

	/** Replaces the secret; the current one keeps signing until {@code previousUntil}. */
	void rotate(UUID id, String secret, Instant previousUntil, Instant now) {
		jdbc.sql("""
				update webhook_endpoint
				set previous_secret = secret, previous_secret_until = :until, secret = :secret, updated_at = :now
				where id = :id""")
			.param("until", Timestamp.from(previousUntil))
			.param("secret", secret)
			.param("now", Timestamp.from(now))
			.param("id", id)
			.update();
	}

	boolean delete(UUID id) {
		return jdbc.sql("delete from webhook_endpoint where id = ?").param(id).update() == 1;
	}

	void recordSuccess(UUID id) {
		jdbc.sql("update webhook_endpoint set failing_since = null where id = ? and failing_since is not null")
			.param(id)
			.update();
	}

	/** @return since when the (enabled) endpoint has been failing, empty when it is gone or disabled */
	Optional<Instant> recordFailure(UUID id, Instant failedAt) {
		return jdbc.sql("""
				update webhook_endpoint set failing_since = coalesce(failing_since, :at)
				where id = :id and enabled
				returning failing_since""")
			.param("at", Timestamp.from(failedAt))
			.param("id", id)
			.query((rs, n) -> rs.getTimestamp(1).toInstant())
			.optional();
	}

	/** @return whether this call disabled it (false when it already was) */
	boolean disable(UUID id, String reason, Instant now) {
		return jdbc.sql("""
				update webhook_endpoint set enabled = false, disabled_reason = :reason, disabled_at = :now, updated_at = :now
				where id = :id and enabled""")
			.param("reason", reason)
			.param("now", Timestamp.from(now))
			.param("id", id)
			.update() == 1;
	}

	private static WebhookEndpoint endpoint(ResultSet rs) throws SQLException {
		Array types = rs.getArray("event_types");
		return new WebhookEndpoint(rs.getObject("id", UUID.class), rs.getString("url"), rs.getString("description"),
				types == null ? null : Arrays.asList((String[]) types.getArray()), rs.getBoolean("enabled"),
				rs.getString("disabled_reason"), instant(rs, "disabled_at"), rs.getString("secret"),
				rs.getString("previous_secret"), instant(rs, "previous_secret_until"), instant(rs, "failing_since"),
				instant(rs, "created_at"), instant(rs, "updated_at"));
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		Timestamp t = rs.getTimestamp(column);
		return t == null ? null : t.toInstant();
	}

}
