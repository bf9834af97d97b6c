package io.mailroom.bounce;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import io.mailroom.delivery.VerpAddress;
import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /inbound/bounces} answers 202 and keeps every message, read or not, matched or not;
 * it refuses only what is too large, and hostile mail costs bounded time.
 */
@MailroomTest
class InboundBounceEndpointTests {

	@LocalServerPort
	int port;

	@Autowired
	VerpAddress verp;

	@Autowired
	JdbcClient jdbc;

	Api api;

	@BeforeEach
	void setUp() {
		api = new Api(port);
	}

	@Test
	void unreadableMessageIsStoredAsUnmatched() {
		String text = "Subject: hello\r\n\r\nThis is not a bounce of any kind.\r\n";
		Api.Response response = post(text.getBytes(StandardCharsets.US_ASCII), "text/plain");
		assertThat(response.status()).isEqualTo(202);
		JsonNode json = response.json();
		assertThat(json.get("id").asString()).startsWith("inb_");
		assertThat(json.get("type").asString()).isEqualTo("unknown");
		assertThat(json.get("matched").asBoolean()).isFalse();
		assertThat(json.get("status").asString()).isEqualTo("unmatched");
		assertThat(json.get("recipients")).isEmpty();
		assertThat(response.header("Location")).isEqualTo("/inbound/bounces/" + json.get("id").asString());

		JsonNode stored = api.get("/inbound/bounces/" + json.get("id").asString()).json();
		assertThat(stored.get("status").asString()).isEqualTo("unmatched");
		assertThat(stored.get("source").asString()).isEqualTo("http");
		assertThat(stored.get("truncated").asBoolean()).isFalse();
		assertThat(api.get("/inbound/bounces/" + json.get("id").asString() + "/raw").body()).isEqualTo(text);
	}

	@Test
	void bounceForARecipientWeDoNotKnowIsAnsweredWithWhatWasReadAndStoredAsUnmatched() {
		// A well-signed token whose recipient does not exist (deleted, or another database).
		String dsn = InboundMail.dsnUserUnknown(verp.forRecipient(UUID.randomUUID()), "gone@example.com",
				"<nobody@bounces.mailroom.test>");
		Api.Response response = post(dsn.getBytes(StandardCharsets.UTF_8), "message/rfc822");
		assertThat(response.status()).isEqualTo(202);
		JsonNode json = response.json();
		assertThat(json.get("type").asString()).isEqualTo("bounce");
		assertThat(json.get("matched").asBoolean()).isFalse();
		JsonNode recipient = json.get("recipients").get(0);
		assertThat(recipient.get("email").asString()).isEqualTo("gone@example.com");
		assertThat(recipient.get("action").asString()).isEqualTo("failed");
		assertThat(recipient.get("status").asString()).isEqualTo("5.1.1");
		assertThat(recipient.get("replyCode").asString()).isEqualTo("550");
		assertThat(recipient.get("diagnostic").asString()).contains("User unknown");
		assertThat(recipient.get("kind").asString()).isEqualTo("hard");
		assertThat(recipient.get("category").asString()).isEqualTo("user-unknown");
		assertThat(api.get("/suppressions/gone@example.com").status()).isEqualTo(404);
	}

	@Test
	void minimalReportOfTheReadmeIsRead() {
		String dsn = """
				From: MAILER-DAEMON@mx.example.net
				To: %s
				Subject: Undelivered Mail Returned to Sender
				MIME-Version: 1.0
				Content-Type: multipart/report; report-type=delivery-status; boundary="b"

				--b
				Content-Type: text/plain

				The message could not be delivered.

				--b
				Content-Type: message/delivery-status

				Reporting-MTA: dns; mx.example.net

				Final-Recipient: rfc822; ana@example.com
				Action: failed
				Status: 5.1.1
				Diagnostic-Code: smtp; 550 5.1.1 <ana@example.com>: User unknown

				--b--
				""".formatted(verp.forRecipient(UUID.randomUUID()));
		JsonNode json = post(dsn.getBytes(StandardCharsets.US_ASCII), "message/rfc822").json();
		assertThat(json.get("type").asString()).isEqualTo("bounce");
		JsonNode recipient = json.get("recipients").get(0);
		assertThat(recipient.get("email").asString()).isEqualTo("ana@example.com");
		assertThat(recipient.get("status").asString()).isEqualTo("5.1.1");
		assertThat(recipient.get("kind").asString()).isEqualTo("hard");
		assertThat(json.get("notes").toString()).contains("names no recipient of ours");
	}

	@Test
	void unmatchedMessagesArePagedNewestFirst() {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			ids.add(post(("Subject: page " + i + "\r\n\r\nnothing\r\n").getBytes(StandardCharsets.US_ASCII),
					"application/octet-stream")
				.json()
				.get("id")
				.asString());
		}
		List<String> seen = new ArrayList<>();
		String cursor = null;
		do {
			JsonNode page = api.get("/inbound/bounces?status=unmatched&limit=2" + (cursor == null ? "" : "&cursor=" + cursor))
				.json();
			assertThat(page.get("items").size()).isLessThanOrEqualTo(2);
			page.get("items").forEach(item -> {
				assertThat(item.get("status").asString()).isEqualTo("unmatched");
				seen.add(item.get("id").asString());
			});
			cursor = page.has("nextCursor") ? page.get("nextCursor").asString() : null;
		}
		while (cursor != null);
		assertThat(seen).doesNotHaveDuplicates().containsSubsequence(ids.get(2), ids.get(1), ids.get(0));
		assertThat(api.get("/inbound/bounces?status=lost").status()).isEqualTo(400);
		assertThat(api.get("/inbound/bounces?cursor=eA").status()).isEqualTo(400);
	}

	@Test
	void largeMessageIsStoredUpToTheStoredSizeLimit() {
		byte[] message = ("Subject: big\r\n\r\n" + "0123456789abcdef\r\n".repeat(90_000))
			.getBytes(StandardCharsets.US_ASCII);
		JsonNode json = post(message, "message/rfc822").json();
		JsonNode stored = api.get("/inbound/bounces/" + json.get("id").asString()).json();
		assertThat(stored.get("size").asInt()).isEqualTo(message.length);
		assertThat(stored.get("truncated").asBoolean()).isTrue();
		byte[] raw = api.get("/inbound/bounces/" + json.get("id").asString() + "/raw").body()
			.getBytes(StandardCharsets.ISO_8859_1);
		assertThat(raw).hasSize(1024 * 1024);
		assertThat(raw).isEqualTo(Arrays.copyOf(message, 1024 * 1024));
	}

	@Test
	void bodyOverTheLimitIsRefusedWith413AndNotStored() {
		int before = storedCount();
		byte[] fifty = new byte[50 * 1024 * 1024];
		Arrays.fill(fifty, (byte) 'a');
		Api.Response response = post(fifty, "message/rfc822");
		assertThat(response.status()).isEqualTo(413);
		assertThat(response.json().get("type").asString()).isEqualTo("urn:mailroom:problem:payload-too-large");
		assertThat(storedCount()).isEqualTo(before);
	}

	@Test
	void deeplyNestedMultipartsAreAnsweredInBoundedTime() {
		long start = System.nanoTime();
		Api.Response response = post(HostileMail.nestedMultiparts(20_000), "message/rfc822");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(25));
		assertThat(response.status()).isEqualTo(202);
		assertThat(response.json().get("matched").asBoolean()).isFalse();
		assertThat(response.json().get("status").asString()).isEqualTo("unmatched");
	}

	@Test
	void otherContentTypesAndMissingKeysAreRefused() {
		Api.Response json = post("{}".getBytes(StandardCharsets.US_ASCII), "application/json");
		assertThat(json.status()).isEqualTo(415);
		Api.Response empty = post(new byte[0], "message/rfc822");
		assertThat(empty.status()).isEqualTo(400);
		Api.Response anonymous = api.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/inbound/bounces"))
			.header("Content-Type", "message/rfc822")
			.POST(HttpRequest.BodyPublishers.ofString("Subject: x\r\n\r\nx\r\n"))
			.build());
		assertThat(anonymous.status()).isEqualTo(401);
		assertThat(api.get("/inbound/bounces/inb_0123").status()).isEqualTo(404);
	}

	private Api.Response post(byte[] body, String contentType) {
		return api.send(api.request("/inbound/bounces")
			.header("Content-Type", contentType)
			.POST(HttpRequest.BodyPublishers.ofByteArray(body))
			.build());
	}

	private int storedCount() {
		return jdbc.sql("select count(*) from inbound_message").query(Integer.class).single();
	}

}
