package io.mailroom.webhook;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import com.standardwebhooks.Webhook;
import io.mailroom.support.Api;
import io.mailroom.support.MutableClock;
import io.mailroom.support.Payloads;
import io.mailroom.support.ScriptedSmtpServer;
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

/** Accept → SMTP delivery → webhooks, with a real SMTP server and a real HTTP receiver. */
@WebhookContext
class WebhookEndToEndTests {

	static final ScriptedSmtpServer smtp = new ScriptedSmtpServer().start();

	static final WebhookReceiver receiver = new WebhookReceiver();

	@DynamicPropertySource
	static void relay(DynamicPropertyRegistry registry) {
		registry.add("mailroom.delivery.enabled", () -> "true");
		registry.add("mailroom.relay.port", smtp::port);
	}

	@AfterAll
	static void stopServers() {
		smtp.close();
		receiver.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	MutableClock clock;

	Api api;

	@BeforeEach
	void setUp() {
		api = new Api(port);
		clock.set(Instant.now().truncatedTo(ChronoUnit.MILLIS));
		smtp.policy((recipient, n) -> recipient.startsWith("nobody@") ? "550 5.1.1 no such user here" : null);
	}

	@Test
	void deliveredMessageProducesQueuedThenDeliveredInOrderWithThePayload() throws Exception {
		Webhook verifier = new Webhook(createEndpoint("/delivered"));
		Api.Response accepted = api.post("/messages", Payloads.orderConfirmation("ana@example.com"));
		String messageId = accepted.json().get("id").asString();

		List<WebhookReceiver.Request> requests = awaitRequests("/delivered", 2);
		assertThat(requests).extracting(WebhookReceiver.Request::type)
			.containsExactly("message.queued", "message.delivered");
		for (WebhookReceiver.Request request : requests) {
			verifier.verify(request.body(), request.headers());
			JsonNode data = request.json().get("data");
			assertThat(data.get("messageId").asString()).isEqualTo(messageId);
			assertThat(data.get("recipient").asString()).isEqualTo("ana@example.com");
			assertThat(data.get("template").asString()).isEqualTo("order-confirmation");
			assertThat(data.get("tags").valueStream().map(JsonNode::asString)).containsExactly("checkout");
			assertThat(data.get("metadata").get("orderId").asString()).isEqualTo("A-1001");
		}
		assertThat(requests.get(0).header("webhook-id")).isNotEqualTo(requests.get(1).header("webhook-id"));
		JsonNode delivered = requests.get(1).json();
		assertThat(Instant.parse(delivered.get("timestamp").asString()))
			.isAfterOrEqualTo(Instant.parse(requests.get(0).json().get("timestamp").asString()));
		assertThat(delivered.get("data").get("attempt").asInt()).isEqualTo(1);
		assertThat(delivered.get("data").get("smtp").get("code").asInt()).isEqualTo(250);
		assertThat(delivered.get("data").get("smtp").get("host").asString()).isEqualTo("127.0.0.1");

		// The webhook-ids are the event ids of the message's timeline.
		List<String> eventIds = api.get("/messages/" + messageId).json().get("events").findValuesAsString("id");
		assertThat(requests).extracting(r -> r.header("webhook-id")).containsExactlyElementsOf(eventIds);
	}

	@Test
	void bouncedMessageProducesABouncedEventWithTheBounceDetails() {
		createEndpoint("/bounced");
		Api.Response accepted = api.post("/messages", Payloads.orderConfirmation("nobody@example.com"));
		String messageId = accepted.json().get("id").asString();

		List<WebhookReceiver.Request> requests = awaitRequests("/bounced", 2);
		assertThat(requests).extracting(WebhookReceiver.Request::type).containsExactly("message.queued", "message.bounced");
		JsonNode data = requests.get(1).json().get("data");
		assertThat(data.get("messageId").asString()).isEqualTo(messageId);
		assertThat(data.get("smtp").get("code").asInt()).isEqualTo(550);
		assertThat(data.get("smtp").get("enhancedCode").asString()).isEqualTo("5.1.1");
		assertThat(data.get("bounce").get("kind").asString()).isEqualTo("hard");

		// The address is now suppressed: the next message produces message.suppressed.
		api.post("/messages", Payloads.orderConfirmation("nobody@example.com"));
		assertThat(awaitRequests("/bounced", 3).get(2).type()).isEqualTo("message.suppressed");
	}

	private String createEndpoint(String path) {
		Api.Response created = api.post("/webhooks", "{\"url\": \"" + receiver.url(path) + "\"}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		return created.json().get("secret").asString();
	}

	private List<WebhookReceiver.Request> awaitRequests(String path, int count) {
		await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests(path).size() >= count);
		return receiver.requests(path);
	}

}
