package io.mailroom.hostile;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.Payloads;
import io.mailroom.support.ScriptedSmtpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End to end through the delivery worker against a relay that requires AUTH: a test-mode key's
 * messages never reach the relay, and the stored transcript of a live one has its AUTH data
 * redacted.
 */
@MailroomTest
class SandboxAndRedactionTests {

	private static final String RELAY_PASSWORD = "relay-Pa55-w0rd-never-stored";

	static final GreenMail relay = startRelay();

	private static GreenMail startRelay() {
		GreenMail greenMail = new GreenMail(new ServerSetup(ScriptedSmtpServer.freePort(), "127.0.0.1",
				ServerSetup.PROTOCOL_SMTP))
			.withConfiguration(GreenMailConfiguration.aConfig().withUser("relay@example.com", "relay", RELAY_PASSWORD));
		greenMail.start();
		return greenMail;
	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("mailroom.delivery.enabled", () -> "true");
		registry.add("mailroom.relay.port", () -> relay.getSmtp().getPort());
		registry.add("mailroom.relay.username", () -> "relay");
		registry.add("mailroom.relay.password", () -> RELAY_PASSWORD);
		registry.add("mailroom.relay.allow-plaintext-auth", () -> "true");
	}

	@AfterAll
	static void stopRelay() {
		relay.stop();
	}

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	@Test
	void testModeKeyCompletesAsDeliveredWithoutEverReachingTheRelay() throws Exception {
		String testKey = TestKeys.create(jdbc, "sandbox", "test");
		HttpResponse<String> accepted = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/messages"))
				.header("Authorization", "Bearer " + testKey)
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(Payloads.alert("sandbox@example.com", "never sent")))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(accepted.statusCode()).isEqualTo(202);
		String id = JSON.readTree(accepted.body()).get("id").asString();

		JsonNode message = awaitDelivered(id);
		// A live message sent after it does reach the relay: the worker was running all along.
		awaitDelivered(new Api(port).post("/messages", Payloads.alert("live-after@example.com", "sent"))
			.json()
			.get("id")
			.asString());

		JsonNode host = message.path("attempts").path(0).path("host");
		assertThat(host.isMissingNode() || host.isNull()).as(message.toString()).isTrue();
		assertThat(relay.getReceivedMessagesForDomain("example.com")).extracting(m -> m.getAllRecipients()[0].toString())
			.contains("live-after@example.com")
			.doesNotContain("sandbox@example.com");
	}

	@Test
	void storedTranscriptOfALiveMessageHasItsAuthDataRedacted() {
		Api.Response accepted = new Api(port).post("/messages", Payloads.alert("auth@example.com", "authenticated"));

		JsonNode message = awaitDelivered(accepted.json().get("id").asString());

		String transcript = message.get("attempts").get(0).get("transcript").asString();
		String plainToken = Base64.getEncoder()
			.encodeToString(("\0relay\0" + RELAY_PASSWORD).getBytes(StandardCharsets.UTF_8));
		assertThat(transcript).contains("AUTH PLAIN <redacted>")
			.doesNotContain(RELAY_PASSWORD)
			.doesNotContain(plainToken)
			.doesNotContain(Base64.getEncoder().encodeToString(RELAY_PASSWORD.getBytes(StandardCharsets.UTF_8)));
		assertThat(jdbc.sql("select count(*) from delivery_attempt where transcript like ? or transcript like ?")
			.params("%" + RELAY_PASSWORD + "%", "%" + plainToken + "%")
			.query(Long.class)
			.single()).isZero();
	}

	private JsonNode awaitDelivered(String id) {
		Api api = new Api(port);
		JsonNode[] message = new JsonNode[1];
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			message[0] = api.get("/messages/" + id).json();
			assertThat(message[0].get("recipients").get(0).get("status").asString()).isEqualTo("delivered");
		});
		return message[0];
	}

}
