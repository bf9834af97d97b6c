package io.mailroom.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.mailroom.message.Messages;
import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.MutableClock;
import io.mailroom.support.Payloads;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A burst of low-priority mail never delays an alert by more than one claim batch (SPEC §2
 * "priority"). Its own database (the batch size is set explicitly), so no other test's backlog
 * is in the queue.
 */
@MailroomTest
@TestPropertySource(properties = "mailroom.delivery.batch-size=100")
class PriorityClaimTests {

	@LocalServerPort
	int port;

	@Autowired
	RecipientClaims claims;

	@Autowired
	DeliveryProperties properties;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	MutableClock clock;

	@Test
	void aHighPriorityMessageIsClaimedInTheNextBatchAheadOfFiveThousandOlderLowPriorityOnes() {
		Api api = new Api(port);
		Api.Response low = api.post("/messages", """
				{"template": "alert", "to": [{"email": "low0@example.com"}], "priority": "low",
				 "data": {"severity": "info", "title": "Weekly digest", "summary": "nothing urgent"}}""");
		assertThat(low.status()).isEqualTo(202);
		copyLowPriorityMessage(Messages.parseId(low.json().get("id").asString()), 4_999);
		clock.advance(Duration.ofSeconds(1));

		Api.Response alert = api.post("/messages", Payloads.alert("oncall@example.com", "Disk usage is at 97 %."));
		assertThat(alert.status()).isEqualTo(202);
		UUID alertId = Messages.parseId(alert.json().get("id").asString());

		assertThat(jdbc.sql("select count(*) from recipient where status = 'queued' and priority = 2 and next_attempt_at < "
				+ "(select next_attempt_at from recipient where message_id = ?)")
			.param(alertId)
			.query(Integer.class)
			.single()).as("older low-priority recipients due").isEqualTo(5_000);

		Instant now = clock.instant();
		List<ClaimedRecipient> batch = claims.claim("priority-test", properties.batchSize(), now,
				now.plus(Duration.ofMinutes(5)));

		assertThat(batch).hasSize(100);
		assertThat(batch).filteredOn(r -> r.messageId().equals(alertId)).hasSize(1);
		assertThat(batch).filteredOn(r -> r.priority() == 2).hasSize(99);
	}

	/** Thousands of due recipients, quickly: copies of one accepted message made in SQL. */
	private void copyLowPriorityMessage(UUID original, int copies) {
		jdbc.sql("""
				with copy as (
				    select gen_random_uuid() as message_id, g from generate_series(1, :copies) g
				), messages as (
				    insert into message (id, api_key_id, test, template, template_version, locale, category, from_email,
				      from_name, reply_to, subject, text_body, html_body, mime, message_id_header, tags, metadata,
				      priority, send_at, created_at)
				    select c.message_id, m.api_key_id, m.test, m.template, m.template_version, m.locale, m.category,
				      m.from_email, m.from_name, m.reply_to, m.subject, m.text_body, m.html_body, m.mime,
				      '<' || c.message_id || '@example.com>', m.tags, m.metadata, m.priority, m.send_at,
				      m.created_at + c.g * interval '1 microsecond'
				    from message m, copy c where m.id = :original
				)
				insert into recipient (id, message_id, seq, kind, email, name, domain, status, priority,
				  next_attempt_at, created_at, updated_at)
				select gen_random_uuid(), c.message_id, 0, 'to', 'low' || c.g || '@example.com', null, 'example.com',
				  'queued', r.priority, r.next_attempt_at + c.g * interval '1 microsecond',
				  r.created_at + c.g * interval '1 microsecond', r.updated_at
				from recipient r, copy c where r.message_id = :original""")
			.param("copies", copies)
			.param("original", original)
			.update();
	}

}
