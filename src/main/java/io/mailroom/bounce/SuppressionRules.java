package io.mailroom.bounce;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

import io.mailroom.delivery.BounceSuppression;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What a bounce does to the suppression list, for bounces at delivery and inbound ones alike: a hard
 * bounce suppresses the address for good; a soft one says nothing about the address, but many of
 * them in a short time do (a mailbox that has been full for a week), so the address is suppressed
 * for a while. Callers run these inside the transaction that records the bounce.
 */
@Component
class SuppressionRules implements BounceSuppression {

	private final SuppressionList list;

	private final JdbcClient jdbc;

	private final BounceProperties.SoftBounces soft;

	SuppressionRules(SuppressionList list, JdbcClient jdbc, BounceProperties properties) {
		this.list = list;
		this.jdbc = jdbc;
		this.soft = properties.softBounces();
	}

	@Override
	public void bounced(List<Bounce> bounces, Instant now) {
		// One order for every transaction, so two that count the same addresses cannot deadlock on
		// the per-address locks of softBounce.
		List<Bounce> ordered = bounces.stream()
			.sorted(Comparator.comparing(b -> SuppressionList.key(b.email())))
			.toList();
		for (Bounce b : ordered) {
			if (b.verdict().hard()) {
				list.suppress(b.email(), SuppressionList.Reason.HARD_BOUNCE, b.messageId(), b.detail(), now);
			}
			else {
				softBounce(b.recipientId(), b.messageId(), b.email(), b.detail(), now);
			}
		}
	}

	void complained(String email, UUID messageId, String detail, Instant now) {
		list.suppress(email, SuppressionList.Reason.COMPLAINT, messageId, detail, now);
	}

	void unsubscribed(String email, UUID messageId, String detail, Instant now) {
		list.suppress(email, SuppressionList.Reason.UNSUBSCRIBE, messageId, detail, now);
	}

	/**
	 * Counts the soft bounce (once per recipient row, so a repeated DSN does not count twice) and
	 * suppresses the address for {@code suppressFor} when the window holds {@code threshold} of them.
	 * @return whether this bounce suppressed the address
	 */
	boolean softBounce(UUID recipientId, UUID messageId, String email, String detail, Instant now) {
		String key = SuppressionList.key(email);
		Instant windowStart = now.minus(soft.window());
		// Two instances recording this address's 4th and 5th bounce at once must not both count 4.
		jdbc.sql("select pg_advisory_xact_lock(hashtextextended(:key, 4))").param("key", key).query((rs, n) -> 1).single();
		jdbc.sql("delete from soft_bounce where email = :email and occurred_at <= :start")
			.param("email", key)
			.param("start", Timestamp.from(windowStart))
			.update();
		jdbc.sql("""
				insert into soft_bounce (recipient_id, email, occurred_at) values (:recipient, :email, :now)
				on conflict (recipient_id) do nothing""")
			.param("recipient", recipientId)
			.param("email", key)
			.param("now", Timestamp.from(now))
			.update();
		int count = jdbc.sql("select count(*) from soft_bounce where email = :email and occurred_at > :start")
			.param("email", key)
			.param("start", Timestamp.from(windowStart))
			.query(Integer.class)
			.single();
		if (count < soft.threshold()) {
			return false;
		}
		String why = count + " soft bounces within " + soft.window().toDays() + " days"
				+ (detail == null || detail.isBlank() ? "" : "; last: " + detail);
		return list.suppressUntil(email, SuppressionList.Reason.SOFT_BOUNCE, messageId, why, now,
				now.plus(soft.suppressFor()));
	}

}
