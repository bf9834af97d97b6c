package io.mailroom.message;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Random;

import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.MutableClock;
import io.mailroom.support.Payloads;
import io.mailroom.support.ScriptedSmtpServer;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The messages API end to end with delivery on, against a real SMTP server: cc and bcc,
 * attachments and inline images, scheduled sending, and test-mode keys.
 */
@MailroomTest
class MessageDeliveryTests {

	static final ScriptedSmtpServer smtp = new ScriptedSmtpServer().start();

	@DynamicPropertySource
	static void relay(DynamicPropertyRegistry registry) {
		registry.add("mailroom.delivery.enabled", () -> "true");
		registry.add("mailroom.relay.port", smtp::port);
	}

	@AfterAll
	static void stopServer() {
		smtp.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	MutableClock clock;

	Api api;

	@BeforeEach
	void setUp() {
		api = new Api(port);
	}

	@Test
	void ccAndBccRecipientsReceiveTheMessageAndBccIsInNoHeader() throws Exception {
		String id = send("""
				{"template": "alert", "to": [{"email": "ana@example.com", "name": "Ana"}],
				 "cc": [{"email": "bob@example.com", "name": "Bob"}], "bcc": [{"email": "hidden-carol@example.com"}],
				 "data": {"severity": "warning", "title": "Queue growing", "summary": "1,204 jobs waiting"}}""");

		awaitStatus(id, "delivered");

		List<ScriptedSmtpServer.Received> received = receivedFor(id);
		assertThat(received).extracting(ScriptedSmtpServer.Received::recipient)
			.containsExactlyInAnyOrder("ana@example.com", "bob@example.com", "hidden-carol@example.com");
		for (ScriptedSmtpServer.Received copy : received) {
			MimeMessage mime = parse(copy.data());
			assertThat(mime.getHeader("To", ",")).contains("ana@example.com");
			assertThat(mime.getHeader("Cc", ",")).contains("bob@example.com");
			assertThat(mime.getHeader("Bcc")).isNull();
			// The receiving server's own Received trace header names the envelope recipient; ours name none.
			Collections.list(mime.getAllHeaders())
				.stream()
				.filter(h -> !h.getName().equalsIgnoreCase("Received"))
				.forEach(h -> assertThat(h.getValue()).as(h.getName()).doesNotContain("hidden-carol"));
		}
		JsonNode message = api.get("/messages/" + id).json();
		assertThat(message.get("recipients").findValuesAsString("kind")).containsExactly("to", "cc", "bcc");
		assertThat(message.get("recipients").findValuesAsString("status")).containsOnly("delivered");
	}

	@Test
	void attachmentsAndInlineImagesArriveByteForByte() throws Exception {
		Random random = new Random(42);
		byte[] pdf = new byte[300_000];
		random.nextBytes(pdf);
		byte[] png = new byte[20_000];
		random.nextBytes(png);
		String pdfName = "Rechnung März 2026.pdf";
		String id = send("""
				{"template": "alert", "to": [{"email": "files@example.com"}],
				 "data": {"severity": "info", "title": "Invoice", "summary": "attached"},
				 "attachments": [
				   {"filename": "%s", "contentType": "application/pdf", "content": "%s"},
				   {"filename": "logo.png", "contentType": "image/png", "content": "%s", "inline": true, "contentId": "logo"}
				 ]}""".formatted(pdfName, Base64.getEncoder().encodeToString(pdf),
				Base64.getMimeEncoder().encodeToString(png).replace("\r\n", "\\r\\n")));

		awaitStatus(id, "delivered");

		MimeMessage mime = parse(receivedFor(id).get(0).data());
		assertThat(mime.isMimeType("multipart/mixed")).isTrue();
		Multipart mixed = (Multipart) mime.getContent();
		assertThat(mixed.getCount()).isEqualTo(2);
		BodyPart relatedPart = mixed.getBodyPart(0);
		assertThat(relatedPart.isMimeType("multipart/related")).isTrue();
		Multipart related = (Multipart) relatedPart.getContent();
		assertThat(related.getBodyPart(0).isMimeType("multipart/alternative")).isTrue();
		MimeBodyPart image = (MimeBodyPart) related.getBodyPart(1);
		assertThat(image.isMimeType("image/png")).isTrue();
		assertThat(image.getContentID()).isEqualTo("<logo>");
		assertThat(image.getDisposition()).isEqualTo(Part.INLINE);
		assertThat(image.getInputStream().readAllBytes()).isEqualTo(png);

		MimeBodyPart attachment = (MimeBodyPart) mixed.getBodyPart(1);
		assertThat(attachment.isMimeType("application/pdf")).isTrue();
		assertThat(attachment.getDisposition()).isEqualTo(Part.ATTACHMENT);
		assertThat(attachment.getFileName()).isEqualTo(pdfName);
		assertThat(attachment.getHeader("Content-Disposition", null)).contains("filename*=");
		assertThat(attachment.getInputStream().readAllBytes()).isEqualTo(pdf);
	}

	@Test
	void aScheduledMessageWaitsUntilItIsDueAndIsThenSent() {
		Instant sendAt = clock.instant().plus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);
		String id = send(scheduled("scheduled@example.com", sendAt));
		JsonNode message = api.get("/messages/" + id).json();
		assertThat(message.get("status").asString()).isEqualTo("scheduled");
		assertThat(Instant.parse(message.get("sendAt").asString())).isEqualTo(sendAt);

		clock.set(sendAt.minusSeconds(1));
		sleepPolls();
		assertThat(status(id)).isEqualTo("scheduled");
		assertThat(receivedFor(id)).isEmpty();

		clock.set(sendAt);
		awaitStatus(id, "delivered");
		assertThat(receivedFor(id)).hasSize(1);
	}

	@Test
	void aCancelledScheduledMessageIsNeverSent() {
		Instant sendAt = clock.instant().plus(Duration.ofMinutes(5));
		String id = send(scheduled("never-sent@example.com", sendAt));

		Api.Response cancelled = api.post("/messages/" + id + "/cancel", "");
		assertThat(cancelled.status()).isEqualTo(200);

		clock.set(sendAt.plus(Duration.ofMinutes(1)));
		sleepPolls();
		assertThat(status(id)).isEqualTo("cancelled");
		assertThat(receivedFor(id)).isEmpty();
		assertThat(api.get("/messages/" + id).json().get("events").findValuesAsString("type"))
			.containsExactly("message.queued", "message.cancelled");
	}

	@Test
	void aTestKeysMessageIsDeliveredWithoutAnySmtpTraffic() {
		Api.Response key = api.post("/api-keys", "{\"name\": \"ci\", \"mode\": \"test\"}");
		assertThat(key.status()).isEqualTo(201);
		int rcptsBefore = smtp.rcptCount();

		Api.Response accepted = api.send(api.request("/messages")
			.setHeader("Authorization", "Bearer " + key.json().get("key").asString())
			.POST(HttpRequest.BodyPublishers.ofString(Payloads.orderConfirmation("sandbox@example.com")))
			.header("Content-Type", "application/json")
			.build());
		assertThat(accepted.status()).isEqualTo(202);
		String id = accepted.json().get("id").asString();

		JsonNode message = awaitStatus(id, "delivered");
		assertThat(message.get("test").asBoolean()).isTrue();
		JsonNode delivered = message.get("events").get(1);
		assertThat(delivered.get("type").asString()).isEqualTo("message.delivered");
		assertThat(delivered.get("data").get("test").asBoolean()).isTrue();
		assertThat(message.get("events").get(0).get("data").get("test").asBoolean()).isTrue();
		sleepPolls();
		assertThat(smtp.rcptCount()).isEqualTo(rcptsBefore);
		assertThat(smtp.received()).noneMatch(r -> r.recipient().equals("sandbox@example.com"));
	}

	private String send(String body) {
		Api.Response response = api.post("/messages", body);
		assertThat(response.status()).as(response.body()).isEqualTo(202);
		return response.json().get("id").asString();
	}

	private static String scheduled(String to, Instant sendAt) {
		return """
				{"template": "alert", "to": [{"email": "%s"}], "sendAt": "%s",
				 "data": {"severity": "info", "title": "Maintenance tonight", "summary": "22:00-23:00 UTC"}}"""
			.formatted(to, sendAt);
	}

	private JsonNode awaitStatus(String id, String status) {
		await().atMost(Duration.ofSeconds(30)).until(() -> status.equals(status(id)));
		return api.get("/messages/" + id).json();
	}

	private String status(String id) {
		return api.get("/messages/" + id).json().get("status").asString();
	}

	/** The copies the SMTP server received of one message (found by its Message-ID). */
	private List<ScriptedSmtpServer.Received> receivedFor(String id) {
		String uuid = Messages.parseId(id).toString();
		return smtp.received().stream().filter(r -> headerSection(r.data()).contains("<" + uuid + "@")).toList();
	}

	private static String headerSection(byte[] data) {
		String text = new String(data, StandardCharsets.UTF_8);
		int end = text.indexOf("\r\n\r\n");
		return end < 0 ? text : text.substring(0, end);
	}

	private static MimeMessage parse(byte[] data) throws Exception {
		return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(data));
	}

	/** Gives the worker a few poll rounds (every 200 ms in tests) to show that it does nothing. */
	private static void sleepPolls() {
		await().pollDelay(Duration.ofMillis(1000)).until(() -> true);
	}

}
