package io.mailroom.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import io.mailroom.common.Ids;
import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.Payloads;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

@MailroomTest
class RetentionSweepTests {

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	DataSource dataSource;

	@Autowired
	java.time.Clock clock;

	@Autowired
	RetentionSweep sweep;

	Api api;

	@BeforeEach
	void setUp() {
		api = new Api(port);
	}

	@Test
	void finishedMessageOlderThanTheBodyPeriodLosesItsBodyButKeepsItsRecord() {
		UUID id = accept("purge-me@example.com");
		finish(id);
		age(id, Duration.ofDays(31));

		sweep.sweep();

		var row = jdbc.sql("select mime is null as no_mime, text_body, html_body, body_purged_at, subject, metadata::text"
				+ " from message where id = ?").param(id).query().singleRow();
		assertThat(row.get("no_mime")).isEqualTo(true);
		assertThat(row.get("text_body")).isNull();
		assertThat(row.get("html_body")).isNull();
		assertThat(row.get("body_purged_at")).isNotNull();
		assertThat((String) row.get("subject")).isNotBlank();
		assertThat((String) row.get("metadata")).isNotNull();
		String publicId = Ids.format("msg", id);
		assertThat(api.get("/messages/" + publicId).status()).isEqualTo(200);
		assertThat(api.get("/messages/" + publicId + "/content?format=raw").status()).isEqualTo(404);
	}

	@Test
	void youngFinishedMessageKeepsItsBody() {
		UUID id = accept("young@example.com");
		finish(id);
		age(id, Duration.ofDays(29));

		sweep.sweep();

		assertThat(hasBody(id)).isTrue();
	}

	@Test
	void messageStillWaitingForDeliveryKeepsItsBodyAndRecordWhateverItsAge() {
		UUID id = accept("still-queued@example.com");
		age(id, Duration.ofDays(400));

		sweep.sweep();

		assertThat(hasBody(id)).isTrue();
		assertThat(jdbc.sql("select status from recipient where message_id = ?").param(id).query(String.class).single())
			.isEqualTo("queued");
	}

	@Test
	void finishedMessageOlderThanTheMetadataPeriodIsDeletedWithRecipientsAttemptsAndEvents() {
		UUID id = accept("old@example.com");
		finish(id);
		UUID recipient = jdbc.sql("select id from recipient where message_id = ?").param(id).query(UUID.class).single();
		jdbc.sql("""
				insert into delivery_attempt (id, recipient_id, message_id, attempt, started_at, duration_ms, outcome)
				values (?, ?, ?, 1, now(), 12, 'delivered')""").params(Ids.next(), recipient, id).update();
		age(id, Duration.ofDays(181));

		RetentionSweep.Result result = sweep.sweep();

		assertThat(result.messagesDeleted()).isGreaterThanOrEqualTo(1);
		assertThat(count("message where id = ?", id)).isZero();
		assertThat(count("recipient where message_id = ?", id)).isZero();
		assertThat(count("delivery_attempt where message_id = ?", id)).isZero();
		assertThat(count("message_event where message_id = ?", id)).isZero();
		assertThat(api.get("/messages/" + Ids.format("msg", id)).status()).isEqualTo(404);
	}

	@Test
	void finishedWebhookDeliveriesOlderThanTheMetadataPeriodGoWithTheirAttemptsOpenOnesStay() {
		UUID endpoint = Ids.next();
		Timestamp now = Timestamp.from(clock.instant());
		jdbc.sql("""
				insert into webhook_endpoint (id, url, enabled, secret, created_at, updated_at)
				values (?, 'https://hooks.example.com/retention', false, 'whsec_retention', ?, ?)""")
			.params(endpoint, now, now)
			.update();
		UUID oldDelivered = webhookDelivery(endpoint, "delivered", Duration.ofDays(200));
		UUID oldFailed = webhookDelivery(endpoint, "failed", Duration.ofDays(190));
		UUID oldPending = webhookDelivery(endpoint, "pending", Duration.ofDays(200));
		UUID youngDelivered = webhookDelivery(endpoint, "delivered", Duration.ofDays(10));
		jdbc.sql("""
				insert into webhook_attempt (id, delivery_id, attempt, started_at, duration_ms, status_code)
				values (?, ?, 1, now(), 30, 200)""").params(Ids.next(), oldDelivered).update();

		RetentionSweep.Result result = sweep.sweep();

		assertThat(result.webhookDeliveriesDeleted()).isGreaterThanOrEqualTo(2);
		assertThat(count("webhook_delivery where id = ?", oldDelivered)).isZero();
		assertThat(count("webhook_delivery where id = ?", oldFailed)).isZero();
		assertThat(count("webhook_attempt where delivery_id = ?", oldDelivered)).isZero();
		assertThat(count("webhook_delivery where id = ?", oldPending)).isOne();
		assertThat(count("webhook_delivery where id = ?", youngDelivered)).isOne();
	}

	private UUID webhookDelivery(UUID endpoint, String status, Duration age) {
		UUID id = Ids.next();
		Timestamp then = Timestamp.from(clock.instant().minus(age));
		// next_attempt_at far ahead: the webhook worker must leave the pending one alone.
		jdbc.sql("""
				insert into webhook_delivery (id, endpoint_id, event_type, occurred_at, status, next_attempt_at, created_at)
				values (?, ?, 'message.delivered', ?, ?, now() + interval '10 years', ?)""")
			.params(id, endpoint, then, status, then)
			.update();
		return id;
	}

	@Test
	void manyMessagesArePurgedInSmallBatchesWithinOneSweep() {
		List<UUID> ids = new ArrayList<>();
		for (int i = 0; i < 7; i++) {
			UUID id = accept("batch" + i + "@example.com");
			finish(id);
			age(id, Duration.ofDays(45));
			ids.add(id);
		}
		RetentionSweep smallBatches = new RetentionSweep(jdbc,
				new RetentionProperties(true, Duration.ofDays(30), Duration.ofDays(180), 2, Duration.ofHours(1)), clock);

		RetentionSweep.Result result = smallBatches.sweep();

		assertThat(result.bodiesPurged()).isGreaterThanOrEqualTo(7);
		assertThat(ids).noneMatch(this::hasBody);
	}

	@Test
	void rowsLockedByAnotherTransactionAreSkippedInsteadOfWaitedFor() throws Exception {
		UUID locked = accept("locked@example.com");
		UUID free = accept("free@example.com");
		for (UUID id : List.of(locked, free)) {
			finish(id);
			age(id, Duration.ofDays(60));
		}
		try (Connection other = dataSource.getConnection()) {
			other.setAutoCommit(false);
			try (PreparedStatement lock = other.prepareStatement("select id from message where id = ? for update")) {
				lock.setObject(1, locked);
				lock.executeQuery().close();
			}
			long started = System.nanoTime();

			sweep.sweep();

			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
			assertThat(hasBody(free)).isFalse();
			assertThat(hasBody(locked)).isTrue();
			other.rollback();
		}
		sweep.sweep();
		assertThat(hasBody(locked)).isFalse();
	}

	@Test
	void settingsRefuseAMetadataPeriodShorterThanTheBodyPeriodAndEmptyBatches() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RetentionProperties(true, Duration.ofDays(30), Duration.ofDays(7), 500, Duration.ofHours(1)))
			.withMessageContaining("mailroom.retention.metadata");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RetentionProperties(true, Duration.ofDays(30), Duration.ofDays(180), 0, Duration.ofHours(1)))
			.withMessageContaining("batch-size");
	}

	private UUID accept(String to) {
		Api.Response response = api.post("/messages", Payloads.alert(to, "retention"));
		assertThat(response.status()).isEqualTo(202);
		return Ids.parse("msg", response.json().get("id").asString());
	}

	/** As the delivery worker leaves a delivered recipient. */
	private void finish(UUID message) {
		jdbc.sql("update recipient set status = 'delivered', final_at = created_at where message_id = ?")
			.param(message)
			.update();
	}

	private void age(UUID message, Duration age) {
		Timestamp then = Timestamp.from(clock.instant().minus(age));
		jdbc.sql("update message set created_at = ? where id = ?").params(then, message).update();
	}

	private boolean hasBody(UUID message) {
		return jdbc.sql("select mime is not null from message where id = ?").param(message).query(Boolean.class).single();
	}

	private long count(String fromWhere, UUID id) {
		return jdbc.sql("select count(*) from " + fromWhere).param(id).query(Long.class).single();
	}

}
