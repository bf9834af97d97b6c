package io.mailroom.bounce;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mailroom.message.Messages;
import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.MutableClock;
import io.mailroom.support.Payloads;
import io.mailroom.support.ScriptedSmtpServer;
import io.mailroom.unsubscribe.UnsubscribeTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole path of a bounce that arrives after delivery: a message relayed to a real SMTP server
 * with a VERP return path, then a DSN, complaint or auto-reply for it, posted to
 * {@code /inbound/bounces} or sent by {@code swaks} to the inbound SMTP listener.
 */
@MailroomTest
class AsynchronousBounceTests {

	static final ScriptedSmtpServer smtp = new ScriptedSmtpServer().start();

	static final int LISTENER_PORT = ScriptedSmtpServer.freePort();

	@DynamicPropertySource
	static void relayAndListener(DynamicPropertyRegistry registry) {
		registry.add("mailroom.delivery.enabled", () -> "true");
		registry.add("mailroom.relay.port", smtp::port);
		registry.add("mailroom.bounce.smtp.port", () -> LISTENER_PORT);
		registry.add("mailroom.bounce.smtp.bind-address", () -> "127.0.0.1");
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

	@Autowired
	UnsubscribeTokens unsubscribeTokens;

	Api api;

	@BeforeEach
	void setUp() {
		api = new Api(port);
		smtp.policy((recipient, n) -> null).dataPolicy(r -> null);
	}

	/** A message accepted and delivered to {@code email}: its id, VERP return path and Message-ID as sent. */
	record Sent(String id, String verp, String messageIdHeader, String email) {
	}

	@Test
	void dsnForADeliveredRecipientBouncesItHardAndSuppressesTheAddress() {
		Sent sent = deliver("gone-later@example.com");

		Api.Response response = postInbound(InboundMail.dsnUserUnknown(sent.verp(), sent.email(), sent.messageIdHeader()));
		assertThat(response.status()).isEqualTo(202);
		JsonNode receipt = response.json();
		assertThat(receipt.get("type").asString()).isEqualTo("bounce");
		assertThat(receipt.get("matched").asBoolean()).isTrue();
		assertThat(receipt.get("messageId").asString()).isEqualTo(sent.id());
		JsonNode reported = receipt.get("recipients").get(0);
		assertThat(reported.get("email").asString()).isEqualTo(sent.email());
		assertThat(reported.get("status").asString()).isEqualTo("5.1.1");
		assertThat(reported.get("kind").asString()).isEqualTo("hard");

		JsonNode message = api.get("/messages/" + sent.id()).json();
		JsonNode recipient = message.get("recipients").get(0);
		assertThat(recipient.get("status").asString()).isEqualTo("bounced");
		assertThat(recipient.get("bounce").get("kind").asString()).isEqualTo("hard");
		assertThat(recipient.get("bounce").get("category").asString()).isEqualTo("user-unknown");
		assertThat(recipient.get("lastReply").get("code").asInt()).isEqualTo(550);
		assertThat(recipient.get("lastReply").get("enhancedCode").asString()).isEqualTo("5.1.1");
		assertThat(message.get("status").asString()).isEqualTo("bounced");
		assertThat(message.get("events").findValuesAsString("type")).containsExactly("message.queued",
				"message.delivered", "message.bounced");
		JsonNode bounced = lastEvent(message);
		assertThat(bounced.get("data").get("bounce").get("kind").asString()).isEqualTo("hard");
		assertThat(bounced.get("data").get("bounce").get("category").asString()).isEqualTo("user-unknown");
		assertThat(bounced.get("data").get("bounce").get("diagnostic").asString()).contains("User unknown");
		assertThat(bounced.get("data").get("smtp").get("host").asString()).isEqualTo("mailbox.example.com");

		JsonNode suppression = api.get("/suppressions/gone-later@example.com").json();
		assertThat(suppression.get("reason").asString()).isEqualTo("hard-bounce");
		assertThat(suppression.get("sourceMessageId").asString()).isEqualTo(sent.id());
		assertThat(status(api.post("/messages", Payloads.orderConfirmation("gone-later@example.com"))))
			.isEqualTo("suppressed");

		// The same report again (MTAs do retry) changes nothing more.
		assertThat(postInbound(InboundMail.dsnUserUnknown(sent.verp(), sent.email(), sent.messageIdHeader())).status())
			.isEqualTo(202);
		assertThat(api.get("/messages/" + sent.id()).json().get("events").findValuesAsString("type")).hasSize(3);
	}

	@Test
	void plainTextBounceWithoutAReportIsMatchedByItsVerpAddress() {
		Sent sent = deliver("gmail-gone@example.com");
		JsonNode receipt = postInbound(InboundMail.gmailUserUnknown(sent.verp(), sent.email())).json();
		assertThat(receipt.get("matched").asBoolean()).isTrue();
		assertThat(recipientStatus(sent.id())).isEqualTo("bounced");
		assertThat(api.get("/suppressions/gmail-gone@example.com").status()).isEqualTo(200);
	}

	@Test
	void bounceWithoutVerpIsMatchedByTheReturnedMessageIdAndAddress() {
		Sent sent = deliver("by-message-id@example.com");
		String dsn = InboundMail.dsnUserUnknown("shop@example.com", sent.email(), sent.messageIdHeader());
		JsonNode receipt = postInbound(dsn).json();
		assertThat(receipt.get("matched").asBoolean()).as(receipt.toString()).isTrue();
		assertThat(recipientStatus(sent.id())).isEqualTo("bounced");
		JsonNode stored = api.get("/inbound/bounces/" + receipt.get("id").asString()).json();
		assertThat(stored.get("summary").get("matchedBy").asString()).isEqualTo("message-id");
	}

	@Test
	void forgedVerpTokenIsStoredAsUnmatchedAndChangesNothing() {
		Sent sent = deliver("forged@example.com");
		// The real Message-ID and address, but a token whose signature does not verify.
		int at = sent.verp().indexOf('@');
		char last = sent.verp().charAt(at - 1);
		String forged = sent.verp().substring(0, at - 1) + (last == '0' ? '1' : '0') + sent.verp().substring(at);
		JsonNode receipt = postInbound(InboundMail.dsnUserUnknown(forged, sent.email(), sent.messageIdHeader())).json();
		assertThat(receipt.get("matched").asBoolean()).isFalse();
		assertThat(receipt.get("status").asString()).isEqualTo("unmatched");
		assertThat(receipt.get("recipients").get(0).get("status").asString()).isEqualTo("5.1.1");

		assertThat(recipientStatus(sent.id())).isEqualTo("delivered");
		assertThat(api.get("/messages/" + sent.id()).json().get("events").findValuesAsString("type"))
			.containsExactly("message.queued", "message.delivered");
		assertThat(api.get("/suppressions/forged@example.com").status()).isEqualTo(404);
		assertThat(unmatchedIds()).contains(receipt.get("id").asString());
	}

	@Test
	void testModeKeyCannotBounceLiveMail() throws Exception {
		Sent sent = deliver("live-only@example.com");
		String testKey = "mr_inboundtest.s3cret";
		byte[] salt = new byte[16];
		jdbc.sql("""
				insert into api_key (id, name, mode, lookup_id, salt, key_hash, created_at)
				values (?, 'sandbox', 'test', 'inboundtest', ?, ?, now())""")
			.params(UUID.randomUUID(), salt, java.security.MessageDigest.getInstance("SHA-256")
				.digest(concat(salt, testKey.getBytes(StandardCharsets.UTF_8))))
			.update();
		Api.Response response = api.send(HttpRequest
			.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/inbound/bounces"))
			.header("Authorization", "Bearer " + testKey)
			.header("Content-Type", "message/rfc822")
			.POST(HttpRequest.BodyPublishers.ofString(
					InboundMail.dsnUserUnknown(sent.verp(), sent.email(), sent.messageIdHeader())))
			.build());
		assertThat(response.status()).isEqualTo(202);
		assertThat(response.json().get("matched").asBoolean()).isFalse();
		assertThat(recipientStatus(sent.id())).isEqualTo("delivered");
	}

	private static byte[] concat(byte[] a, byte[] b) {
		byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, both, a.length, b.length);
		return both;
	}

	@Test
	void delayNoticeIsRecordedAsADeferredEventWithoutEndingDelivery() {
		Sent sent = deliver("slow-mailbox@example.com");
		JsonNode receipt = postInbound(InboundMail.dsnDelayed(sent.verp(), sent.email(), sent.messageIdHeader())).json();
		assertThat(receipt.get("type").asString()).isEqualTo("delay");
		assertThat(receipt.get("recipients").get(0).get("action").asString()).isEqualTo("delayed");
		assertThat(receipt.get("recipients").get(0).get("status").asString()).startsWith("4.");

		JsonNode message = api.get("/messages/" + sent.id()).json();
		assertThat(message.get("recipients").get(0).get("status").asString()).isEqualTo("delivered");
		assertThat(message.get("events").findValuesAsString("type")).containsExactly("message.queued",
				"message.delivered", "message.deferred");
		assertThat(lastEvent(message).get("data").get("note").asString()).contains("delayed");
		assertThat(api.get("/suppressions/slow-mailbox@example.com").status()).isEqualTo(404);
	}

	@Test
	void complaintSuppressesTheAddressWithReasonComplaint() {
		Sent sent = deliver("annoyed@example.com");
		JsonNode receipt = postInbound(InboundMail.complaint(sent.verp(), sent.email(), sent.messageIdHeader())).json();
		assertThat(receipt.get("type").asString()).isEqualTo("complaint");
		assertThat(receipt.get("matched").asBoolean()).isTrue();

		JsonNode suppression = api.get("/suppressions/annoyed@example.com").json();
		assertThat(suppression.get("reason").asString()).isEqualTo("complaint");
		assertThat(suppression.get("sourceMessageId").asString()).isEqualTo(sent.id());
		JsonNode message = api.get("/messages/" + sent.id()).json();
		assertThat(message.get("recipients").get(0).get("status").asString()).isEqualTo("delivered");
		assertThat(lastEvent(message).get("type").asString()).isEqualTo("message.complained");
		assertThat(lastEvent(message).get("data").get("complaint").get("feedbackType").asString()).isEqualTo("abuse");

		// The feedback loop sends it again: still one complaint.
		postInbound(InboundMail.complaint(sent.verp(), sent.email(), sent.messageIdHeader()));
		assertThat(api.get("/messages/" + sent.id()).json().get("events").findValuesAsString("type"))
			.containsOnlyOnce("message.complained");
	}

	@Test
	void autoReplyIsStoredAndIgnored() {
		Sent sent = deliver("on-holiday@example.com");
		JsonNode receipt = postInbound(InboundMail.autoReply(sent.verp(), sent.email(), sent.messageIdHeader())).json();
		assertThat(receipt.get("type").asString()).isEqualTo("auto-reply");
		assertThat(receipt.get("status").asString()).isEqualTo("ignored");
		assertThat(recipientStatus(sent.id())).isEqualTo("delivered");
		assertThat(api.get("/messages/" + sent.id()).json().get("events")).hasSize(2);
		assertThat(api.get("/suppressions/on-holiday@example.com").status()).isEqualTo(404);
		JsonNode ignored = api.get("/inbound/bounces?status=ignored").json().get("items");
		assertThat(ignored.findValuesAsString("id")).contains(receipt.get("id").asString());
	}

	@Test
	void fiveSoftBouncesWithinAWeekSuppressTheAddressForADay() {
		smtp.policy((recipient, n) -> recipient.startsWith("full@") ? "552 5.2.2 mailbox full" : null);
		for (int i = 0; i < 5; i++) {
			Api.Response accepted = api.post("/messages", Payloads.orderConfirmation("full@example.com"));
			assertThat(status(accepted)).as("bounce %d", i + 1).isEqualTo("queued");
			JsonNode message = awaitRecipientStatus(accepted.json().get("id").asString(), "bounced");
			assertThat(message.get("recipients").get(0).get("bounce").get("kind").asString()).isEqualTo("soft");
			assertThat(message.get("recipients").get(0).get("bounce").get("category").asString()).isEqualTo("mailbox-full");
			if (i < 4) {
				// five bounces over five days: within the week
				clock.advance(Duration.ofHours(30));
			}
		}
		JsonNode suppression = api.get("/suppressions/full@example.com").json();
		assertThat(suppression.get("reason").asString()).isEqualTo("soft-bounce");
		assertThat(Instant.parse(suppression.get("expiresAt").asString()))
			.isEqualTo(Instant.parse(suppression.get("createdAt").asString()).plus(Duration.ofHours(24)));
		assertThat(status(api.post("/messages", Payloads.orderConfirmation("full@example.com")))).isEqualTo("suppressed");
		assertThat(api.get("/suppressions?reason=soft-bounce").json().get("items").findValuesAsString("email"))
			.contains("full@example.com");

		clock.advance(Duration.ofHours(25));
		assertThat(api.get("/suppressions/full@example.com").status()).isEqualTo(404);
		smtp.policy((recipient, n) -> null);
		assertThat(status(api.post("/messages", Payloads.orderConfirmation("full@example.com")))).isEqualTo("queued");
	}

	@Test
	void softBouncesSpreadOverMoreThanAWeekDoNotSuppress() {
		smtp.policy((recipient, n) -> recipient.startsWith("sometimes-full@") ? "552 5.2.2 mailbox full" : null);
		for (int i = 0; i < 5; i++) {
			Api.Response accepted = api.post("/messages", Payloads.orderConfirmation("sometimes-full@example.com"));
			assertThat(status(accepted)).isEqualTo("queued");
			awaitRecipientStatus(accepted.json().get("id").asString(), "bounced");
			clock.advance(Duration.ofDays(2));
		}
		assertThat(api.get("/suppressions/sometimes-full@example.com").status()).isEqualTo(404);
	}

	@Test
	void listenerTakesADsnFromSwaksAndAppliesIt(@TempDir Path dir) throws Exception {
		Sent sent = deliver("swaks-gone@example.com");
		Path dsn = dir.resolve("dsn.eml");
		Files.writeString(dsn, InboundMail.dsnUserUnknown(sent.verp(), sent.email(), sent.messageIdHeader()));

		Swaks result = swaks("--from", "<>", "--to", sent.verp(), "--data", "@" + dsn);
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).contains("<-  250");

		assertThat(recipientStatus(sent.id())).isEqualTo("bounced");
		assertThat(api.get("/suppressions/swaks-gone@example.com").json().get("reason").asString())
			.isEqualTo("hard-bounce");
		JsonNode stored = api.get("/inbound/bounces?status=matched").json().get("items").get(0);
		assertThat(stored.get("source").asString()).isEqualTo("smtp");
		assertThat(stored.get("messageId").asString()).isEqualTo(sent.id());
	}

	@Test
	void listenerRefusesRecipientsThatAreNotOurs(@TempDir Path dir) throws Exception {
		Path mail = dir.resolve("mail.eml");
		Files.writeString(mail, "Subject: hello\r\n\r\nhello\r\n");
		Swaks stranger = swaks("--to", "postmaster@bounces.mailroom.test", "--data", "@" + mail);
		assertThat(stranger.exitCode()).isNotZero();
		assertThat(stranger.output()).contains("550 5.1.1");
		Swaks otherDomain = swaks("--to", "bounces@example.org", "--data", "@" + mail);
		assertThat(otherDomain.output()).contains("550 5.1.1");
		Swaks badToken = swaks("--to", "unsubscribe+0123abcd@bounces.mailroom.test", "--data", "@" + mail);
		assertThat(badToken.output()).contains("550 5.1.1");
	}

	@Test
	void listenerRefusesMessagesOverTheSizeLimit(@TempDir Path dir) throws Exception {
		Path big = dir.resolve("big.eml");
		Files.writeString(big, "Subject: big\r\n\r\n" + "0123456789abcdef0123456789abcdef0123456789abcdef\r\n".repeat(230_000));
		Swaks result = swaks("--from", "<>", "--to", "bounces@bounces.mailroom.test", "--data", "@" + big);
		assertThat(result.output()).contains("552 5.3.4");
	}

	@Test
	void mailtoUnsubscribeThroughTheListenerSuppressesTheAddress(@TempDir Path dir) throws Exception {
		Sent sent = deliver("mailto-unsub@example.com");
		UUID recipientId = jdbc.sql("select id from recipient where message_id = ?")
			.param(Messages.parseId(sent.id()))
			.query(UUID.class)
			.single();
		Path mail = dir.resolve("unsubscribe.eml");
		Files.writeString(mail, "From: mailto-unsub@example.com\r\nSubject: unsubscribe\r\n\r\nunsubscribe\r\n");
		Swaks result = swaks("--from", sent.email(), "--to",
				"unsubscribe+" + unsubscribeTokens.issue(recipientId) + "@bounces.mailroom.test", "--data", "@" + mail);
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(api.get("/suppressions/mailto-unsub@example.com").json().get("reason").asString())
			.isEqualTo("unsubscribe");
	}

	private Sent deliver(String email) {
		Api.Response accepted = api.post("/messages", Payloads.orderConfirmation(email));
		assertThat(accepted.status()).isEqualTo(202);
		String id = accepted.json().get("id").asString();
		awaitRecipientStatus(id, "delivered");
		ScriptedSmtpServer.Received received = smtp.received()
			.stream()
			.filter(r -> r.recipient().equals(email))
			.reduce((first, second) -> second)
			.orElseThrow();
		Matcher messageId = Pattern.compile("(?im)^Message-ID:\\s*(<[^>]+>)").matcher(received.text());
		assertThat(messageId.find()).isTrue();
		assertThat(received.from()).startsWith("bounces+");
		return new Sent(id, received.from(), messageId.group(1), email);
	}

	private Api.Response postInbound(String message) {
		return api.send(api.request("/inbound/bounces")
			.header("Content-Type", "message/rfc822")
			.POST(HttpRequest.BodyPublishers.ofString(message, StandardCharsets.UTF_8))
			.build());
	}

	private List<String> unmatchedIds() {
		return api.get("/inbound/bounces?status=unmatched&limit=100").json().get("items").findValuesAsString("id");
	}

	private String recipientStatus(String id) {
		return api.get("/messages/" + id).json().get("recipients").get(0).get("status").asString();
	}

	private static JsonNode lastEvent(JsonNode message) {
		JsonNode events = message.get("events");
		return events.get(events.size() - 1);
	}

	private static String status(Api.Response accepted) {
		assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
		return accepted.json().get("recipients").get(0).get("status").asString();
	}

	private JsonNode awaitRecipientStatus(String id, String status) {
		await().atMost(Duration.ofSeconds(45)).untilAsserted(() -> assertThat(recipientStatus(id)).isEqualTo(status));
		return api.get("/messages/" + id).json();
	}

	record Swaks(int exitCode, String output) {
	}

	/** Runs Debian's swaks against the listener on loopback. */
	private static Swaks swaks(String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("swaks", "--server", "127.0.0.1", "--port",
				Integer.toString(LISTENER_PORT), "--helo", "mx.example.net", "--timeout", "30"));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		return new Swaks(process.exitValue(), output);
	}

}
