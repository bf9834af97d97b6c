package io.mailroom.message;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import javax.sql.DataSource;

import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.MutableClock;
import io.mailroom.support.Payloads;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code POST /messages/{id}/cancel}: what has not been sent is cancelled, with events; nothing else. */
@MailroomTest
class MessageCancelTests {

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	DataSource dataSource;

	@Autowired
	MutableClock clock;

	Api api;

	@BeforeEach
	void setUp() {
		api = new Api(port);
	}

	@Test
	void aQueuedMessageIsCancelledWithAnEventAndASecondCancelIsAConflict() {
		String id = send(Payloads.orderConfirmation("cancel-me@example.com"));

		Api.Response cancelled = api.post("/messages/" + id + "/cancel", "");

		assertThat(cancelled.status()).isEqualTo(200);
		assertThat(cancelled.json().get("status").asString()).isEqualTo("cancelled");
		assertThat(cancelled.json().get("recipients").get(0).get("status").asString()).isEqualTo("cancelled");
		JsonNode event = cancelled.json().get("events").get(1);
		assertThat(event.get("type").asString()).isEqualTo("message.cancelled");
		assertThat(event.get("recipient").asString()).isEqualTo("cancel-me@example.com");
		assertThat(event.get("data").get("messageId").asString()).isEqualTo(id);
		assertThat(event.get("data").get("template").asString()).isEqualTo("order-confirmation");
		assertThat(event.get("data").get("metadata").get("orderId").asString()).isEqualTo("A-1001");
		assertThat(outboxEvents(id, "message.cancelled")).isEqualTo(1);

		Api.Response again = api.post("/messages/" + id + "/cancel", "");
		assertThat(again.status()).isEqualTo(409);
		assertThat(again.json().get("type").asString()).isEqualTo("urn:mailroom:problem:conflict");
		assertThat(again.json().get("detail").asString()).contains("cancelled");
		assertThat(outboxEvents(id, "message.cancelled")).isEqualTo(1);
	}

	@Test
	void aScheduledMessageIsCancelled() {
		Instant sendAt = clock.instant().plus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
		String id = send(Payloads.orderConfirmation("later@example.com").replaceFirst("\\{",
				"{\"sendAt\": \"" + sendAt + "\", "));
		assertThat(api.get("/messages/" + id).json().get("status").asString()).isEqualTo("scheduled");

		Api.Response cancelled = api.post("/messages/" + id + "/cancel", "");

		assertThat(cancelled.status()).isEqualTo(200);
		assertThat(cancelled.json().get("recipients").get(0).get("status").asString()).isEqualTo("cancelled");
	}

	@Test
	void onlyTheRecipientsNotBeingSentAreCancelled() {
		String id = send("""
				{"template": "alert", "to": [{"email": "busy@example.com"}], "cc": [{"email": "idle@example.com"}],
				 "bcc": [{"email": "retrying@example.com"}],
				 "data": {"severity": "info", "title": "t", "summary": "s"}}""");
		setStatus(id, "busy@example.com", "sending");
		setStatus(id, "retrying@example.com", "deferred");

		Api.Response cancelled = api.post("/messages/" + id + "/cancel", "");

		assertThat(cancelled.status()).isEqualTo(200);
		JsonNode recipients = cancelled.json().get("recipients");
		assertThat(recipients.get(0).get("status").asString()).isEqualTo("sending");
		assertThat(recipients.get(1).get("status").asString()).isEqualTo("cancelled");
		assertThat(recipients.get(2).get("status").asString()).isEqualTo("cancelled");
		assertThat(cancelled.json().get("status").asString()).isEqualTo("sending");
		assertThat(outboxEvents(id, "message.cancelled")).isEqualTo(2);
	}

	@Test
	void aMessageWhoseOnlyRecipientIsBeingSentIsNotCancelled() {
		String id = send(Payloads.orderConfirmation("in-flight@example.com"));
		setStatus(id, "in-flight@example.com", "sending");

		Api.Response response = api.post("/messages/" + id + "/cancel", "");

		assertThat(response.status()).isEqualTo(409);
		assertThat(response.json().get("detail").asString()).contains("sending");
		assertThat(api.get("/messages/" + id).json().get("status").asString()).isEqualTo("sending");
		assertThat(outboxEvents(id, "message.cancelled")).isZero();
	}

	@Test
	void aRecipientClaimedWhileTheCancelWaitsForItsLockStaysClaimed() throws Exception {
		String id = send(Payloads.orderConfirmation("raced@example.com"));
		UUID messageId = Messages.parseId(id);
		try (Connection worker = dataSource.getConnection()) {
			// A delivery worker's claim, not yet committed: it holds the row lock.
			worker.setAutoCommit(false);
			try (PreparedStatement claim = worker.prepareStatement(
					"update recipient set status = 'sending', claimed_by = 'other-instance' where message_id = ?")) {
				claim.setObject(1, messageId);
				assertThat(claim.executeUpdate()).isEqualTo(1);
			}
			CompletableFuture<Api.Response> cancel = CompletableFuture
				.supplyAsync(() -> api.post("/messages/" + id + "/cancel", ""));
			await().atMost(Duration.ofSeconds(10)).until(() -> waitingForLock() > 0);
			assertThat(cancel).isNotDone();
			worker.commit();

			Api.Response response = cancel.get();
			assertThat(response.status()).isEqualTo(409);
		}
		assertThat(jdbc.sql("select status from recipient where message_id = ?").param(messageId).query(String.class).single())
			.isEqualTo("sending");
		assertThat(outboxEvents(id, "message.cancelled")).isZero();
	}

	@Test
	void cancellingAnUnknownMessageIsNotFound() {
		assertThat(api.post("/messages/msg_0000000000007000800000000000dead/cancel", "").status()).isEqualTo(404);
		assertThat(api.post("/messages/nonsense/cancel", "").status()).isEqualTo(404);
	}

	private String send(String body) {
		Api.Response response = api.post("/messages", body);
		assertThat(response.status()).as(response.body()).isEqualTo(202);
		return response.json().get("id").asString();
	}

	private void setStatus(String id, String email, String status) {
		jdbc.sql("update recipient set status = ? where message_id = ? and email = ?")
			.params(status, Messages.parseId(id), email)
			.update();
	}

	private int outboxEvents(String id, String type) {
		return jdbc.sql("select count(*) from message_event where message_id = ? and type = ?")
			.params(Messages.parseId(id), type)
			.query(Integer.class)
			.single();
	}

	private int waitingForLock() {
		return jdbc.sql("""
				select count(*) from pg_stat_activity
				where wait_event_type = 'Lock' and query like '%cancelled%' and datname = current_database()""")
			.query(Integer.class)
			.single();
	}

}
