package io.mailroom.webhook;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.standardwebhooks.Webhook;
import io.mailroom.support.Api;
import io.mailroom.support.MutableClock;
import io.mailroom.support.Payloads;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Signing, retries, ordering, disabling, replay and the deliveries log, against a real HTTP receiver. */
@WebhookContext
class WebhookDeliveryTests {

	static final WebhookReceiver receiver = new WebhookReceiver();

	@AfterAll
	static void stopReceiver() {
		receiver.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	MutableClock clock;

	@Autowired
	MeterRegistry meters;

	Api api;

	String path;

	@BeforeEach
	void setUp(TestInfo test) {
		api = new Api(port);
		// The reference verifier compares webhook-timestamp with the real time.
		clock.set(Instant.now().truncatedTo(ChronoUnit.MILLIS));
		path = "/" + test.getTestMethod().orElseThrow().getName();
	}

	@AfterEach
	void deleteEndpoints() {
		for (JsonNode endpoint : api.get("/webhooks").json().get("items")) {
			api.delete("/webhooks/" + endpoint.get("id").asString());
		}
	}

	@Test
	void eventIsSignedAsStandardWebhooksSpecifiesWithTheSpecPayload() throws Exception {
		JsonNode endpoint = createEndpoint(path, null);
		String messageId = postMessage(Payloads.orderConfirmation("ana@example.com"));

		WebhookReceiver.Request request = awaitRequests(path, 1).get(0);
		new Webhook(endpoint.get("secret").asString()).verify(request.body(), request.headers());
		assertThat(request.header("Content-Type")).isEqualTo("application/json");
		assertThat(request.header("webhook-signature")).matches("v1,[A-Za-z0-9+/=]{44}");
		assertThat(Long.parseLong(request.header("webhook-timestamp")))
			.isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(60L));
		JsonNode event = api.get("/messages/" + messageId).json().get("events").get(0);
		assertThat(request.header("webhook-id")).isEqualTo(event.get("id").asString());

		JsonNode body = request.json();
		assertThat(body.get("type").asString()).isEqualTo("message.queued");
		assertThat(Instant.parse(body.get("timestamp").asString())).isEqualTo(Instant.parse(event.get("occurredAt").asString()));
		JsonNode data = body.get("data");
		assertThat(data.get("messageId").asString()).isEqualTo(messageId);
		assertThat(data.get("recipient").asString()).isEqualTo("ana@example.com");
		assertThat(data.get("template").asString()).isEqualTo("order-confirmation");
		assertThat(data.get("tags").get(0).asString()).isEqualTo("checkout");
		assertThat(data.get("metadata").get("orderId").asString()).isEqualTo("A-1001");
		assertThat(body.propertyNames()).containsExactly("type", "timestamp", "data");
	}

	@Test
	void rotatedSecretSignsWithBothKeysForTheOverlap() throws Exception {
		JsonNode endpoint = createEndpoint(path, null);
		String oldSecret = endpoint.get("secret").asString();
		Api.Response rotated = api.post("/webhooks/" + endpoint.get("id").asString() + "/rotate-secret", "");
		assertThat(rotated.status()).isEqualTo(200);
		String newSecret = rotated.json().get("secret").asString();
		assertThat(newSecret).isNotEqualTo(oldSecret).startsWith("whsec_");
		assertThat(Instant.parse(rotated.json().get("previousSecretExpiresAt").asString()))
			.isEqualTo(clock.instant().plus(Duration.ofHours(24)));

		postMessage(Payloads.orderConfirmation("rotation@example.com"));
		WebhookReceiver.Request request = awaitRequests(path, 1).get(0);
		assertThat(request.header("webhook-signature").split(" ")).hasSize(2).allMatch(s -> s.startsWith("v1,"));
		new Webhook(newSecret).verify(request.body(), request.headers());
		new Webhook(oldSecret).verify(request.body(), request.headers());

		// After the overlap only the new secret signs.
		clock.advance(Duration.ofHours(25));
		postMessage(Payloads.orderConfirmation("rotation2@example.com"));
		WebhookReceiver.Request later = awaitRequests(path, 2).get(1);
		assertThat(later.header("webhook-signature").split(" ")).hasSize(1);
		assertThat(api.get("/webhooks/" + endpoint.get("id").asString()).json().has("previousSecretExpiresAt")).isFalse();
	}

	@Test
	void failedDeliveryIsRetriedOnTheScheduleAndLaterEventsOfTheMessageWait() {
		receiver.script(path, "first@example.com", WebhookReceiver.Reply.status(500), WebhookReceiver.Reply.status(500));
		JsonNode endpoint = createEndpoint(path, null);
		String id = endpoint.get("id").asString();
		// Two recipients: two message.queued events of the same message.
		String messageId = postMessage("""
				{"template": "alert", "to": [{"email": "first@example.com"}, {"email": "second@example.com"}],
				 "data": {"severity": "info", "title": "t", "summary": "s"}}""");
		awaitRequests(path, 1);
		sleepPolls();
		assertThat(receiver.requests(path)).hasSize(1);

		// Another message is not held up by this one's retries.
		String otherId = postMessage(Payloads.orderConfirmation("unrelated@example.com"));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> receiver.requests(path).stream().anyMatch(r -> messageIdOf(r).equals(otherId)));

		clock.advance(Duration.ofSeconds(6));
		await().atMost(Duration.ofSeconds(10)).until(() -> requestsFor(messageId).size() == 2);
		sleepPolls();
		assertThat(requestsFor(messageId)).hasSize(2);

		clock.advance(Duration.ofMinutes(6));
		await().atMost(Duration.ofSeconds(10)).until(() -> requestsFor(messageId).size() == 4);
		List<WebhookReceiver.Request> requests = requestsFor(messageId);
		assertThat(requests.subList(0, 3)).extracting(r -> r.json().get("data").get("recipient").asString())
			.containsOnly("first@example.com");
		assertThat(requests.subList(0, 3)).extracting(r -> r.header("webhook-id")).containsOnly(requests.get(0).header("webhook-id"));
		assertThat(requests.subList(0, 3)).extracting(WebhookReceiver.Request::body).containsOnly(requests.get(0).body());
		assertThat(requests.get(3).json().get("data").get("recipient").asString()).isEqualTo("second@example.com");

		JsonNode first = deliveries(id).stream()
			.filter(d -> d.get("messageId").asString().equals(messageId) && d.get("attemptCount").asInt() == 3)
			.findFirst()
			.orElseThrow();
		assertThat(first.get("status").asString()).isEqualTo("delivered");
		assertThat(first.get("attempts").findValuesAsString("error")).containsExactly("HTTP 500", "HTTP 500");
		assertThat(first.get("attempts").findValues("statusCode")).extracting(JsonNode::asInt).containsExactly(500, 500, 200);
		assertThat(first.get("attempts").get(2).get("responseBody").asString()).isEqualTo("ok");
		assertThat(meters.find("mailroom.webhook.deliveries").tag("outcome", "success").counter())
			.extracting(Counter::count).satisfies(count -> assertThat(count).isGreaterThanOrEqualTo(3.0));
		assertThat(meters.find("mailroom.webhook.deliveries").tag("outcome", "failure").counter()).isNotNull();
		assertThat(meters.find("mailroom.webhook.lag").gauge()).isNotNull();
	}

	@Test
	void goneDisablesTheEndpointAndEnablingItResumesDelivery() {
		receiver.script(path, WebhookReceiver.Reply.status(410));
		JsonNode endpoint = createEndpoint(path, null);
		String id = endpoint.get("id").asString();
		String messageId = postMessage(Payloads.orderConfirmation("gone@example.com"));

		await().atMost(Duration.ofSeconds(10)).until(() -> !api.get("/webhooks/" + id).json().get("enabled").asBoolean());
		JsonNode disabled = api.get("/webhooks/" + id).json();
		assertThat(disabled.get("disabledReason").asString()).contains("410");
		assertThat(disabled.get("disabledAt")).isNotNull();
		assertThat(api.post("/webhooks/" + id + "/test", "").status()).isEqualTo(409);

		// Nothing is sent while disabled, not even when the retry is due.
		clock.advance(Duration.ofSeconds(6));
		sleepPolls();
		assertThat(receiver.requests(path)).hasSize(1);

		Api.Response enabled = patch("/webhooks/" + id, "{\"enabled\": true}");
		assertThat(enabled.json().get("enabled").asBoolean()).isTrue();
		assertThat(enabled.json().has("disabledReason")).isFalse();
		awaitRequests(path, 2);
		assertThat(messageIdOf(receiver.requests(path).get(1))).isEqualTo(messageId);
	}

	@Test
	void retryAfterIsHonoured() {
		receiver.script(path, new WebhookReceiver.Reply(503, Map.of("Retry-After", "120"), "busy"));
		createEndpoint(path, null);
		postMessage(Payloads.orderConfirmation("busy@example.com"));
		awaitRequests(path, 1);

		// The schedule alone would retry after 5 s; the receiver asked for 120.
		clock.advance(Duration.ofSeconds(60));
		sleepPolls();
		assertThat(receiver.requests(path)).hasSize(1);
		clock.advance(Duration.ofSeconds(61));
		awaitRequests(path, 2);
	}

	@Test
	void endpointFailingForFiveDaysIsDisabled() {
		WebhookReceiver.Reply[] failures = new WebhookReceiver.Reply[10];
		java.util.Arrays.fill(failures, WebhookReceiver.Reply.status(500));
		receiver.script(path, failures);
		String id = createEndpoint(path, null).get("id").asString();
		postMessage(Payloads.orderConfirmation("down@example.com"));
		awaitRequests(path, 1);
		assertThat(api.get("/webhooks/" + id).json().get("failingSince")).isNotNull();

		clock.advance(Duration.ofDays(4));
		awaitRequests(path, 2);
		assertThat(api.get("/webhooks/" + id).json().get("enabled").asBoolean()).isTrue();
		clock.advance(Duration.ofDays(1).plusMinutes(10));
		awaitRequests(path, 3);
		await().atMost(Duration.ofSeconds(10)).until(() -> !api.get("/webhooks/" + id).json().get("enabled").asBoolean());
		assertThat(api.get("/webhooks/" + id).json().get("disabledReason").asString()).contains("Every delivery failed since");
		assertThat(api.get("/webhooks").json().get("items").get(0).get("enabled").asBoolean()).isFalse();
	}

	@Test
	void testEventIsSentSigned() throws Exception {
		JsonNode endpoint = createEndpoint(path, List.of("message.delivered"));
		String id = endpoint.get("id").asString();
		Api.Response queued = api.post("/webhooks/" + id + "/test", "");
		assertThat(queued.status()).isEqualTo(202);
		assertThat(queued.json().get("eventType").asString()).isEqualTo("webhook.test");

		WebhookReceiver.Request request = awaitRequests(path, 1).get(0);
		new Webhook(endpoint.get("secret").asString()).verify(request.body(), request.headers());
		assertThat(request.type()).isEqualTo("webhook.test");
		assertThat(request.json().get("data").get("webhookId").asString()).isEqualTo(id);
		assertThat(request.header("webhook-id")).isEqualTo(queued.json().get("eventId").asString());
		await().atMost(Duration.ofSeconds(10))
			.until(() -> deliveries(id).get(0).get("status").asString().equals("delivered"));
	}

	@Test
	void replaySendsThePastEventAgainWithTheSameIdAndBody() throws Exception {
		JsonNode endpoint = createEndpoint(path, null);
		String id = endpoint.get("id").asString();
		postMessage(Payloads.orderConfirmation("replay@example.com"));
		WebhookReceiver.Request original = awaitRequests(path, 1).get(0);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> deliveries(id).get(0).get("status").asString().equals("delivered"));
		String deliveryId = deliveries(id).get(0).get("id").asString();

		Api.Response replay = api.post("/webhooks/" + id + "/deliveries/" + deliveryId + "/replay", "");
		assertThat(replay.status()).isEqualTo(202);
		assertThat(replay.json().get("replayOf").asString()).isEqualTo(deliveryId);
		WebhookReceiver.Request again = awaitRequests(path, 2).get(1);
		assertThat(again.header("webhook-id")).isEqualTo(original.header("webhook-id"));
		assertThat(again.body()).isEqualTo(original.body());
		new Webhook(endpoint.get("secret").asString()).verify(again.body(), again.headers());

		assertThat(api.post("/webhooks/" + id + "/deliveries/whd_00000000000000000000000000000000/replay", "").status())
			.isEqualTo(404);
	}

	@Test
	void deliveriesAreListedNewestFirstInPages() {
		String id = createEndpoint(path, null).get("id").asString();
		String first = postMessage(Payloads.orderConfirmation("page1@example.com"));
		String second = postMessage(Payloads.orderConfirmation("page2@example.com"));
		String third = postMessage(Payloads.orderConfirmation("page3@example.com"));
		awaitRequests(path, 3);

		JsonNode page1 = api.get("/webhooks/" + id + "/deliveries?limit=2").json();
		assertThat(page1.get("items").findValuesAsString("messageId")).containsExactly(third, second);
		String cursor = page1.get("nextCursor").asString();
		JsonNode page2 = api.get("/webhooks/" + id + "/deliveries?limit=2&cursor=" + cursor).json();
		assertThat(page2.get("items").findValuesAsString("messageId")).containsExactly(first);
		assertThat(page2.has("nextCursor")).isFalse();

		assertThat(api.get("/webhooks/" + id + "/deliveries?cursor=nonsense").status()).isEqualTo(400);
		assertThat(api.get("/webhooks/" + id + "/deliveries?limit=0").status()).isEqualTo(400);
		assertThat(api.get("/webhooks/" + id + "/deliveries?status=delivered").json().get("items")).hasSize(3);
	}

	@Test
	void endpointReceivesOnlyTheEventTypesItSubscribedTo() {
		String deliveredOnly = createEndpoint(path + "-delivered", List.of("message.delivered")).get("id").asString();
		createEndpoint(path, List.of("*"));
		postMessage(Payloads.orderConfirmation("filter@example.com"));
		awaitRequests(path, 1);
		sleepPolls();
		assertThat(receiver.requests(path + "-delivered")).isEmpty();
		assertThat(deliveries(deliveredOnly)).isEmpty();
	}

	@Test
	void endpointsAreCreatedListedChangedAndDeleted() {
		Api.Response created = api.post("/webhooks",
				"{\"url\": \"" + receiver.url(path) + "\", \"events\": [\"message.delivered\", \"message.bounced\","
						+ " \"message.complained\"], \"description\": \"order system\"}");
		assertThat(created.status()).isEqualTo(201);
		String id = created.json().get("id").asString();
		assertThat(id).startsWith("wh_");
		assertThat(created.header("Location")).isEqualTo("/webhooks/" + id);
		String secret = created.json().get("secret").asString();
		assertThat(secret).startsWith("whsec_");
		assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSizeGreaterThanOrEqualTo(24);
		assertThat(created.json().get("enabled").asBoolean()).isTrue();

		JsonNode fetched = api.get("/webhooks/" + id).json();
		assertThat(fetched.has("secret")).isFalse();
		assertThat(fetched.get("events").valueStream().map(JsonNode::asString))
			.containsExactly("message.delivered", "message.bounced", "message.complained");
		assertThat(api.get("/webhooks").json().get("items").findValuesAsString("id")).contains(id);

		JsonNode changed = patch("/webhooks/" + id, "{\"description\": \"shop\", \"events\": [\"*\"], \"enabled\": false}")
			.json();
		assertThat(changed.get("description").asString()).isEqualTo("shop");
		assertThat(changed.get("events").get(0).asString()).isEqualTo("*");
		assertThat(changed.get("enabled").asBoolean()).isFalse();
		assertThat(changed.get("disabledReason").asString()).isEqualTo("Disabled through the API");
		assertThat(changed.get("url").asString()).isEqualTo(receiver.url(path));

		assertThat(api.delete("/webhooks/" + id).status()).isEqualTo(204);
		assertThat(api.get("/webhooks/" + id).status()).isEqualTo(404);
		assertThat(api.get("/webhooks/wh_nope").status()).isEqualTo(404);
		assertThat(api.get("/v3/api-docs").body()).contains("/webhooks/{id}/deliveries/{deliveryId}/replay");
	}

	@Test
	void invalidEndpointsAreRefusedWithFieldErrors() {
		Api.Response noUrl = api.post("/webhooks", "{\"events\": []}");
		assertThat(noUrl.status()).isEqualTo(400);
		assertThat(noUrl.json().get("type").asString()).isEqualTo("urn:mailroom:problem:validation");
		assertThat(noUrl.json().get("errors").findValuesAsString("field")).containsExactly("url", "events");

		Api.Response unknownType = api.post("/webhooks",
				"{\"url\": \"" + receiver.url(path) + "\", \"events\": [\"message.delivered\", \"message.opened\"]}");
		assertThat(unknownType.status()).isEqualTo(400);
		assertThat(unknownType.json().get("errors").get(0).get("field").asString()).isEqualTo("events[1]");

		Api.Response ftp = api.post("/webhooks", "{\"url\": \"ftp://example.com/hook\"}");
		assertThat(ftp.status()).isEqualTo(400);
		assertThat(ftp.json().get("errors").get(0).get("message").asString()).contains("http or https");
	}

	private JsonNode createEndpoint(String receiverPath, List<String> events) {
		String body = events == null ? "{\"url\": \"" + receiver.url(receiverPath) + "\"}"
				: "{\"url\": \"" + receiver.url(receiverPath) + "\", \"events\": "
						+ events.stream().map(e -> "\"" + e + "\"").toList() + "}";
		Api.Response created = api.post("/webhooks", body);
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		return created.json();
	}

	private String postMessage(String body) {
		Api.Response accepted = api.post("/messages", body);
		assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
		return accepted.json().get("id").asString();
	}

	private List<JsonNode> deliveries(String endpointId) {
		return api.get("/webhooks/" + endpointId + "/deliveries").json().get("items").valueStream().toList();
	}

	private List<WebhookReceiver.Request> requestsFor(String messageId) {
		return receiver.requests(path).stream().filter(r -> messageIdOf(r).equals(messageId)).toList();
	}

	private static String messageIdOf(WebhookReceiver.Request request) {
		JsonNode id = request.json().get("data").get("messageId");
		return id == null ? "" : id.asString();
	}

	private List<WebhookReceiver.Request> awaitRequests(String receiverPath, int count) {
		await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests(receiverPath).size() >= count);
		return receiver.requests(receiverPath);
	}

	private Api.Response patch(String apiPath, String body) {
		return api.send(api.request(apiPath)
			.method("PATCH", HttpRequest.BodyPublishers.ofString(body))
			.header("Content-Type", "application/json")
			.build());
	}

	/** Gives the dispatcher several poll rounds (100 ms each here) to prove it sends nothing. */
	private static void sleepPolls() {
		await().pollDelay(Duration.ofMillis(700)).until(() -> true);
	}

}
