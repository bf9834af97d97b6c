package io.mailroom.webhook;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.UUID;

import io.mailroom.common.Ids;
import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.MutableClock;
import io.mailroom.support.Payloads;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The SSRF guard as shipped (private targets not allowed): at creation and again at send time. */
@MailroomTest
@TestPropertySource(properties = { "mailroom.webhook.poll-interval=100ms", "mailroom.templates.render-timeout=30s" })
class WebhookTargetGuardTests {

	static final WebhookReceiver receiver = new WebhookReceiver();

	@AfterAll
	static void stopReceiver() {
		receiver.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	MutableClock clock;

	@ParameterizedTest
	@ValueSource(strings = { "http://127.0.0.1/hook", "http://169.254.169.254/latest/meta-data/", "http://[::1]/",
			"http://localhost:8080/hook", "https://10.0.0.8/hook", "http://[fd00::1]/", "http://0.0.0.0/" })
	void privateTargetIsRefusedWhenTheEndpointIsCreated(String url) {
		Api.Response refused = new Api(port).post("/webhooks", "{\"url\": \"" + url + "\"}");
		assertThat(refused.status()).isEqualTo(400);
		assertThat(refused.json().get("type").asString()).isEqualTo("urn:mailroom:problem:validation");
		JsonNode error = refused.json().get("errors").get(0);
		assertThat(error.get("field").asString()).isEqualTo("url");
		assertThat(error.get("message").asString()).contains("address").contains("allow-private-targets");
		assertThat(new Api(port).get("/webhooks").json().get("items")).isEmpty();
	}

	@Test
	void targetIsCheckedAgainBeforeEachRequest() {
		// An endpoint whose name resolved to a public address when it was saved and now resolves
		// to a loopback one: stored directly, as the API would refuse it today.
		UUID id = Ids.next();
		jdbc.sql("""
				insert into webhook_endpoint (id, url, enabled, secret, created_at, updated_at)
				values (?, ?, true, ?, ?, ?)""")
			.params(id, receiver.url("/rebound"), WebhookSignature.newSecret(), Timestamp.from(clock.instant()),
					Timestamp.from(clock.instant()))
			.update();
		Api api = new Api(port);
		api.post("/messages", Payloads.orderConfirmation("ssrf@example.com"));
		String endpoint = Ids.format("wh", id);

		await().atMost(Duration.ofSeconds(10))
			.until(() -> api.get("/webhooks/" + endpoint + "/deliveries").json().get("items").findValues("attempts")
				.stream()
				.anyMatch(a -> !a.isEmpty()));
		JsonNode attempt = api.get("/webhooks/" + endpoint + "/deliveries").json().get("items").get(0).get("attempts").get(0);
		assertThat(attempt.get("error").asString()).startsWith("Refused by the SSRF guard").contains("loopback");
		assertThat(attempt.has("statusCode")).isFalse();
		assertThat(receiver.requests("/rebound")).isEmpty();
	}

}
