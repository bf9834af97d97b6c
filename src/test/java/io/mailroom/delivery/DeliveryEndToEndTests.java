package io.mailroom.delivery;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.MutableClock;
import io.mailroom.support.Payloads;
import io.mailroom.support.ScriptedSmtpServer;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The whole path against a real SMTP server: accept → render → store → relay → outcome. */
@MailroomTest
class DeliveryEndToEndTests {

	static final ScriptedSmtpServer smtp = new ScriptedSmtpServer().start();

	@DynamicPropertySource
	static void relay(DynamicPropertyRegistry registry) {
		registry.add("mailroom.delivery.enabled", () -> "true");
		registry.add("mailroom.relay.port", smtp::port);
		registry.add("mailroom.delivery.retry.max-age", () -> "2h");
	}

	@AfterAll
	static void stopServer() {
		smtp.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	MutableClock clock;

	@Autowired
	JdbcClient jdbc;

	Api api;

	@BeforeEach
	void setUp() {
		api = new Api(port);
		smtp.policy((recipient, n) -> null).dataPolicy(r -> null);
	}

	@Test
	void orderConfirmationIsDeliveredAsValidMimeWithBothParts() throws Exception {
		Api.Response accepted = api.post("/messages", Payloads.orderConfirmation("ana@example.com"));
		assertThat(accepted.status()).isEqualTo(202);
		String id = accepted.json().get("id").asString();
		assertThat(accepted.header("Location")).isEqualTo("/messages/" + id);
		assertThat(accepted.json().get("status").asString()).isEqualTo("queued");

		JsonNode message = awaitRecipientStatus(id, "delivered");
		JsonNode attempt = message.get("attempts").get(0);
		assertThat(attempt.get("replyCode").asInt()).isEqualTo(250);
		assertThat(attempt.get("host").asString()).isEqualTo("127.0.0.1");
		assertThat(attempt.get("transcript").asString()).contains("MAIL FROM:<bounces+").contains("RCPT TO:<ana@example.com>");
		assertThat(message.get("events").findValuesAsString("type")).containsExactly("message.queued",
				"message.delivered");

		ScriptedSmtpServer.Received received = smtp.received()
			.stream()
			.filter(r -> r.recipient().equals("ana@example.com"))
			.findFirst()
			.orElseThrow();
		assertThat(received.from()).startsWith("bounces+").endsWith("@bounces.mailroom.test");
		MimeMessage mime = new MimeMessage(Session.getInstance(new Properties()),
				new ByteArrayInputStream(received.data()));
		assertThat(mime.getSubject()).contains("A-1001");
		assertThat(mime.getMessageID()).matches("<[0-9a-f-]{36}@bounces\\.mailroom\\.test>");
		assertThat(mime.getHeader("MIME-Version", null)).isEqualTo("1.0");
		assertThat(mime.getSentDate()).isNotNull();
		assertThat(mime.getFrom()[0].toString()).isEqualTo("Example Shop <shop@example.com>");
		assertThat(mime.isMimeType("multipart/alternative")).isTrue();
		Multipart parts = (Multipart) mime.getContent();
		assertThat(parts.getCount()).isEqualTo(2);
		String text = (String) parts.getBodyPart(0).getContent();
		String html = (String) parts.getBodyPart(1).getContent();
		assertThat(parts.getBodyPart(0).isMimeType("text/plain")).isTrue();
		assertThat(parts.getBodyPart(1).isMimeType("text/html")).isTrue();
		assertThat(text).contains("A-1001").contains("63.21");
		assertThat(html).contains("A-1001").contains("63.21");
		assertThat(new String(received.data()).lines()).allMatch(line -> line.length() <= 998);
	}

	@Test
	void alertIsDelivered() {
		Api.Response accepted = api.post("/messages", Payloads.alert("oncall@example.com", "Disk usage is at 97 %."));
		assertThat(accepted.status()).isEqualTo(202);
		JsonNode message = awaitRecipientStatus(accepted.json().get("id").asString(), "delivered");
		assertThat(message.get("priority").asString()).isEqualTo("high");
		assertThat(smtp.received()).anyMatch(r -> r.recipient().equals("oncall@example.com"));
	}

	@Test
	void bodyLineStartingWithDotArrivesIntact() throws Exception {
		Api.Response accepted = api.post("/messages",
				Payloads.alert("dots@example.com", "first line\n.hidden line that starts with a dot\n..two dots"));
		awaitRecipientStatus(accepted.json().get("id").asString(), "delivered");
		ScriptedSmtpServer.Received received = smtp.received()
			.stream()
			.filter(r -> r.recipient().equals("dots@example.com"))
			.findFirst()
			.orElseThrow();
		MimeMessage mime = new MimeMessage(Session.getInstance(new Properties()),
				new ByteArrayInputStream(received.data()));
		String text = textPart(mime);
		assertThat(text).contains("\n.hidden line that starts with a dot").contains("\n..two dots");
	}

	@Test
	void recipientRefusedWith550IsBouncedAndSuppressed() {
		smtp.policy((recipient, n) -> recipient.startsWith("nobody@") ? "550 5.1.1 no such user here" : null);
		Api.Response accepted = api.post("/messages", Payloads.orderConfirmation("nobody@example.com"));
		JsonNode message = awaitRecipientStatus(accepted.json().get("id").asString(), "bounced");
		JsonNode recipient = message.get("recipients").get(0);
		assertThat(recipient.get("lastReply").get("code").asInt()).isEqualTo(550);
		assertThat(recipient.get("lastReply").get("enhancedCode").asString()).isEqualTo("5.1.1");
		assertThat(recipient.get("lastReply").get("text").asString()).contains("no such user here");
		assertThat(recipient.get("bounce").get("kind").asString()).isEqualTo("hard");

		Api.Response again = api.post("/messages", Payloads.orderConfirmation("nobody@example.com"));
		assertThat(again.status()).isEqualTo(202);
		assertThat(again.json().get("recipients").get(0).get("status").asString()).isEqualTo("suppressed");
		assertThat(again.json().get("status").asString()).isEqualTo("suppressed");
	}

	@Test
	void temporaryFailureIsRetriedOnTheLadderAndThenDelivered() {
		AtomicInteger tries = new AtomicInteger();
		smtp.policy((recipient, n) -> recipient.startsWith("greylisted@") && tries.incrementAndGet() == 1
				? "451 4.7.1 greylisted, try again later" : null);
		Api.Response accepted = api.post("/messages", Payloads.orderConfirmation("greylisted@example.com"));
		String id = accepted.json().get("id").asString();
		JsonNode deferred = awaitRecipientStatus(id, "deferred");
		assertThat(deferred.get("recipients").get(0).get("lastReply").get("code").asInt()).isEqualTo(451);

		// The first step of the ladder is 1 minute ± 15 %: nothing happens before it.
		clock.advance(Duration.ofSeconds(45));
		sleepPolls();
		assertThat(tries.get()).isEqualTo(1);
		clock.advance(Duration.ofSeconds(30));
		JsonNode delivered = awaitRecipientStatus(id, "delivered");
		assertThat(delivered.get("recipients").get(0).get("attempts").asInt()).isEqualTo(2);
		assertThat(delivered.get("attempts")).hasSize(2);
		assertThat(delivered.get("events").findValuesAsString("type")).containsExactly("message.queued",
				"message.deferred", "message.delivered");
	}

	@Test
	void relayDownDefersUntilItComesBack() {
		// Point this message's recipient at a moment when nothing listens: the data policy refuses
		// nothing, but the server is stopped and restarted on the same port.
		smtp.close();
		try {
			Api.Response accepted = api.post("/messages", Payloads.orderConfirmation("patient@example.com"));
			String id = accepted.json().get("id").asString();
			JsonNode deferred = awaitRecipientStatus(id, "deferred");
			assertThat(deferred.get("attempts").get(0).get("replyCode")).isNull();
			assertThat(deferred.get("recipients").get(0).get("lastReply").get("text").asString()).isNotBlank();
			smtp.start();
			clock.advance(Duration.ofMinutes(2));
			awaitRecipientStatus(id, "delivered");
		}
		finally {
			smtp.start();
		}
	}

	@Test
	void recipientStillDeferredAtMaximumAgeFails() {
		smtp.policy((recipient, n) -> recipient.startsWith("never@") ? "450 4.2.0 mailbox busy" : null);
		Api.Response accepted = api.post("/messages", Payloads.orderConfirmation("never@example.com"));
		String id = accepted.json().get("id").asString();
		awaitRecipientStatus(id, "deferred");
		clock.advance(Duration.ofHours(3));
		JsonNode failed = awaitRecipientStatus(id, "failed");
		assertThat(failed.get("events").findValuesAsString("type")).endsWith("message.failed");
	}

	@Test
	void workOfACrashedInstanceIsDeliveredAfterItsLeaseExpires() {
		smtp.policy((recipient, n) -> null);
		Api.Response accepted = api.post("/messages", Payloads.orderConfirmation("orphan@example.com"));
		String id = accepted.json().get("id").asString();
		awaitRecipientStatus(id, "delivered");
		int before = (int) smtp.received().stream().filter(r -> r.recipient().equals("orphan@example.com")).count();

		// Simulate an instance that claimed the recipient and died: its lease runs out in a minute.
		jdbc.sql("""
				update recipient set status = 'sending', claimed_by = 'dead-instance',
				  claimed_until = :until, final_at = null
				where email = 'orphan@example.com'""")
			.param("until", java.sql.Timestamp.from(clock.instant().plus(Duration.ofMinutes(1))))
			.update();
		sleepPolls();
		assertThat(status(id)).isEqualTo("sending");
		clock.advance(Duration.ofMinutes(2));
		awaitRecipientStatus(id, "delivered");
		assertThat(smtp.received().stream().filter(r -> r.recipient().equals("orphan@example.com")).count())
			.isEqualTo(before + 1);
	}

	private JsonNode awaitRecipientStatus(String id, String status) {
		await().atMost(Duration.ofSeconds(45)).untilAsserted(() -> {
			JsonNode json = api.get("/messages/" + id).json();
			assertThat(json.get("recipients").get(0).get("status").asString()).as(json.toString()).isEqualTo(status);
		});
		return api.get("/messages/" + id).json();
	}

	private String status(String id) {
		return api.get("/messages/" + id).json().get("recipients").get(0).get("status").asString();
	}

	/** Gives the worker a few poll rounds (it polls every 200 ms in tests) to prove it does nothing. */
	private static void sleepPolls() {
		await().pollDelay(Duration.ofMillis(800)).until(() -> true);
	}

	private static String textPart(Part part) throws Exception {
		if (part.isMimeType("text/plain")) {
			return (String) part.getContent();
		}
		if (part.isMimeType("multipart/*")) {
			Multipart multipart = (Multipart) part.getContent();
			for (int i = 0; i < multipart.getCount(); i++) {
				String text = textPart(multipart.getBodyPart(i));
				if (text != null) {
					return text;
				}
			}
		}
		return null;
	}


}
