package io.mailroom.hostile;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.mailroom.support.MailroomTest;
import io.mailroom.support.Payloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a client with a key, a stolen key or no key can do: the per-key rate limit (429 with
 * Retry-After, a bucket per key) and keys never reaching the logs, even at DEBUG.
 */
@MailroomTest
@TestPropertySource(properties = { "mailroom.rate-limit.enabled=true", "mailroom.rate-limit.requests-per-second=1",
		"mailroom.rate-limit.burst=5", "logging.level.io.mailroom=DEBUG", "logging.level.org.springframework.web=DEBUG",
		"logging.level.org.apache.tomcat=DEBUG", "logging.level.org.apache.catalina=INFO" })
@ExtendWith(OutputCaptureExtension.class)
class ApiKeyAbuseTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	@Test
	void keyOverItsBurstGets429WithRetryAfterUntilTheBucketRefills() throws Exception {
		String key = TestKeys.create(jdbc, "burst", "live");
		for (int i = 0; i < 5; i++) {
			assertThat(get("/messages/msg_0192f5f0e5a07bb5b1c2d3e4f5a6b7c8", key).statusCode()).isEqualTo(404);
		}

		HttpResponse<String> limited = get("/messages/msg_0192f5f0e5a07bb5b1c2d3e4f5a6b7c8", key);

		assertThat(limited.statusCode()).isEqualTo(429);
		assertThat(limited.headers().firstValue("Content-Type")).hasValueSatisfying(
				type -> assertThat(type).startsWith("application/problem+json"));
		assertThat(limited.headers().firstValue("Retry-After")).hasValueSatisfying(
				seconds -> assertThat(Integer.parseInt(seconds)).isBetween(1, 2));
		JsonNode problem = JSON.readTree(limited.body());
		assertThat(problem.get("type").asString()).isEqualTo("urn:mailroom:problem:rate-limited");
		assertThat(problem.get("status").asInt()).isEqualTo(429);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> get("/messages/msg_0192f5f0e5a07bb5b1c2d3e4f5a6b7c8", key).statusCode() == 404);
	}

	@Test
	void eachKeyHasItsOwnBucket() throws Exception {
		String noisy = TestKeys.create(jdbc, "noisy", "live");
		String quiet = TestKeys.create(jdbc, "quiet", "test");
		while (get("/messages/msg_0192f5f0e5a07bb5b1c2d3e4f5a6b7c8", noisy).statusCode() != 429) {
			// use up the noisy key's burst
		}

		assertThat(get("/messages/msg_0192f5f0e5a07bb5b1c2d3e4f5a6b7c8", quiet).statusCode()).isEqualTo(404);
	}

	@Test
	void requestsWithoutAValidKeyAreRefusedAs401AndHealthChecksAreNeverLimited() throws Exception {
		for (int i = 0; i < 20; i++) {
			assertThat(get("/messages/msg_0192f5f0e5a07bb5b1c2d3e4f5a6b7c8", "mr_0000.guess" + i).statusCode())
				.isEqualTo(401);
			assertThat(get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
		}
	}

	@Test
	void keysNeverAppearInTheLogs(CapturedOutput output) throws Exception {
		String live = TestKeys.create(jdbc, "logged", "live");
		String stolen = live.substring(0, live.indexOf('.') + 1) + "0123456789abcdef0123456789abcdef0123456789abcdef";

		assertThat(post("/messages", live, Payloads.alert("logs@example.com", "keys stay secret")).statusCode())
			.isEqualTo(202);
		assertThat(post("/messages", live, "{\"template\": \"alert\", \"to\": \"broken\"}").statusCode())
			.isEqualTo(400);
		assertThat(get("/messages/msg_0192f5f0e5a07bb5b1c2d3e4f5a6b7c8", stolen).statusCode()).isEqualTo(401);
		assertThat(get("/messages/msg_0192f5f0e5a07bb5b1c2d3e4f5a6b7c8", MailroomTest.API_KEY).statusCode())
			.isEqualTo(404);
		while (get("/messages/msg_0192f5f0e5a07bb5b1c2d3e4f5a6b7c8", live).statusCode() != 429) {
			// a rate-limited key is not logged either
		}

		String secretOfLive = live.substring(live.indexOf('.') + 1);
		assertThat(output.getAll()).contains("POST \"/messages\"") // DEBUG request logging was on
			.doesNotContain(secretOfLive)
			.doesNotContain(stolen.substring(stolen.indexOf('.') + 1))
			.doesNotContain(MailroomTest.API_KEY)
			.doesNotContainIgnoringCase("authorization: bearer");
	}

	private HttpResponse<String> get(String path, String key) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
		if (key != null) {
			request.header("Authorization", "Bearer " + key);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(String path, String key, String body) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.header("Authorization", "Bearer " + key)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
