package io.mailroom.webhook;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** One HTTP attempt against a real server on 127.0.0.1: outcomes, limits and the connect-time guard. */
class WebhookSenderTests {

	private final WebhookPayload payload = new WebhookPayload(JsonMapper.builder().build());

	private final List<String> received = new CopyOnWriteArrayList<>();

	private HttpServer server;

	private volatile Handler handler = exchange -> reply(exchange, 200, Map.of(), "ok");

	interface Handler {

		void handle(com.sun.net.httpserver.HttpExchange exchange) throws IOException;

	}

	@BeforeEach
	void startServer() throws IOException {
		server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
		server.createContext("/", exchange -> {
			received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
			handler.handle(exchange);
		});
		server.start();
	}

	@AfterEach
	void stopServer() {
		server.stop(0);
	}

	@Test
	void twoHundredIsSuccessAndTheBodyIsKept() {
		WebhookSender.Attempt attempt = sender(true, Duration.ofSeconds(5)).send(delivery(url()));
		assertThat(attempt.succeeded()).isTrue();
		assertThat(attempt.statusCode()).isEqualTo(200);
		assertThat(attempt.error()).isNull();
		assertThat(attempt.responseBody()).isEqualTo("ok");
		assertThat(received).hasSize(1);
		assertThat(JsonMapper.builder().build().readTree(received.get(0)).get("type").asString())
			.isEqualTo("message.delivered");
	}

	@Test
	void onlyTheFirstKilobyteOfTheAnswerIsKept() {
		handler = exchange -> reply(exchange, 500, Map.of(), "x".repeat(100_000));
		WebhookSender.Attempt attempt = sender(true, Duration.ofSeconds(5)).send(delivery(url()));
		assertThat(attempt.succeeded()).isFalse();
		assertThat(attempt.error()).isEqualTo("HTTP 500");
		assertThat(attempt.responseBody()).hasSize(WebhookSender.BODY_LIMIT);
	}

	@Test
	void redirectIsNotFollowed() {
		handler = exchange -> reply(exchange, 302, Map.of("Location", "http://169.254.169.254/"), "");
		WebhookSender.Attempt attempt = sender(true, Duration.ofSeconds(5)).send(delivery(url()));
		assertThat(attempt.succeeded()).isFalse();
		assertThat(attempt.statusCode()).isEqualTo(302);
		assertThat(received).hasSize(1);
	}

	@Test
	void slowReceiverTimesOut() {
		handler = exchange -> {
			try {
				Thread.sleep(3000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			reply(exchange, 200, Map.of(), "too late");
		};
		WebhookSender.Attempt attempt = sender(true, Duration.ofMillis(300)).send(delivery(url()));
		assertThat(attempt.succeeded()).isFalse();
		assertThat(attempt.statusCode()).isNull();
		assertThat(attempt.error()).containsIgnoringCase("timed out");
		assertThat(attempt.duration()).isLessThan(Duration.ofSeconds(2));
	}

	@Test
	void refusedConnectionIsAFailureWithAReason() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		WebhookSender.Attempt attempt = sender(true, Duration.ofSeconds(5))
			.send(delivery("http://127.0.0.1:" + closedPort + "/hook"));
		assertThat(attempt.succeeded()).isFalse();
		assertThat(attempt.statusCode()).isNull();
		assertThat(attempt.error()).isNotBlank();
	}

	@Test
	void retryAfterOfA429IsReported() {
		handler = exchange -> reply(exchange, 429, Map.of("Retry-After", "30"), "slow down");
		WebhookSender.Attempt attempt = sender(true, Duration.ofSeconds(5)).send(delivery(url()));
		assertThat(attempt.retryAfter()).isEqualTo(Duration.ofSeconds(30));
		assertThat(attempt.gone()).isFalse();
	}

	@Test
	void targetThatBecamePrivateIsRefusedAtSendTimeWithoutARequest() {
		// The endpoint was accepted once; now its address is a loopback one (DNS rebinding).
		WebhookSender.Attempt attempt = sender(false, Duration.ofSeconds(5)).send(delivery(url()));
		assertThat(attempt.succeeded()).isFalse();
		assertThat(attempt.error()).startsWith("Refused by the SSRF guard").contains("loopback");
		assertThat(received).isEmpty();
	}

	private WebhookSender sender(boolean allowPrivate, Duration timeout) {
		return new WebhookSender(WebhookSender.client(timeout), new TargetGuard(allowPrivate), payload, timeout,
				Clock.systemUTC(), "mailroom-webhooks/test");
	}

	private String url() {
		return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
	}

	private static ClaimedDelivery delivery(String url) {
		UUID id = UUID.randomUUID();
		return new ClaimedDelivery(id, id, UUID.randomUUID(), url, UUID.randomUUID(), "message.delivered",
				Instant.parse("2026-11-28T10:15:00Z"), 0, "{\"recipient\": \"ana@example.com\", \"messageId\": \"msg_1\"}",
				WebhookSignature.newSecret(), null, null);
	}

	private static void reply(com.sun.net.httpserver.HttpExchange exchange, int status, Map<String, String> headers,
			String body) throws IOException {
		headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
		catch (IOException ex) {
			// the client stopped reading after its first kilobyte
		}
	}

}
