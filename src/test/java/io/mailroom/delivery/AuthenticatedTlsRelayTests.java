package io.mailroom.delivery;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLContext;

import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.MutableClock;
import io.mailroom.support.Payloads;
import io.mailroom.support.ScriptedSmtpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole path to a smarthost that requires STARTTLS and AUTH and presents a self-signed
 * certificate, trusted through {@code mailroom.relay.trust-store}; and what refused credentials
 * look like: deferred recipients, a WARN line without the secret, the {@code relay} health.
 */
@MailroomTest
@ExtendWith(OutputCaptureExtension.class)
class AuthenticatedTlsRelayTests {

	static final String USER = "mailroom";

	static final String PASSWORD = "Relay-s3cret-Pa55";

	static final TlsAuthRelay relay = new TlsAuthRelay();

	@DynamicPropertySource
	static void relayProperties(DynamicPropertyRegistry registry) throws Exception {
		registry.add("mailroom.delivery.enabled", () -> "true");
		registry.add("mailroom.delivery.retry.max-age", () -> "2h");
		registry.add("mailroom.relay.host", () -> "localhost");
		registry.add("mailroom.relay.port", relay::port);
		registry.add("mailroom.relay.tls", () -> "starttls-required");
		registry.add("mailroom.relay.username", () -> USER);
		registry.add("mailroom.relay.password", () -> PASSWORD);
		Path trustStore = relay.certificate.trustStoreFile();
		registry.add("mailroom.relay.trust-store", () -> trustStore.toUri().toString());
		registry.add("mailroom.relay.trust-store-password", () -> SelfSignedCertificate.PASSWORD);
	}

	@AfterAll
	static void stopRelay() {
		relay.stop();
	}

	@LocalServerPort
	int port;

	@Autowired
	MutableClock clock;

	@Test
	void mailGoesOutOverStartTlsWithAuthAndTheSecretStaysOutOfTheTranscript() {
		relay.restart(PASSWORD);
		Api api = new Api(port);

		String id = api.post("/messages", Payloads.alert("secure@example.com", "TLS and AUTH")).json().get("id").asString();

		JsonNode message = awaitStatus(api, id, "delivered");
		assertThat(relay.received).contains("secure@example.com");
		String transcript = message.get("attempts").get(0).get("transcript").asString();
		assertThat(transcript).contains("C: STARTTLS", "S: 220", "C: AUTH PLAIN <redacted>", "S: 235");
		assertNoSecretIn(transcript);
		JsonNode health = api.get("/actuator/health").json().get("components").get("relay");
		assertThat(health.get("status").asString()).isEqualTo("UP");
		assertThat(health.get("details").get("target").asString()).isEqualTo("localhost:" + relay.port());
	}

	@Test
	void refusedCredentialsKeepRecipientsDeferredAndShowInTheLogAndTheRelayHealth(CapturedOutput output) {
		// the operator rotated the relay password: every new session is refused with 535
		relay.restart("a-new-password");
		Api api = new Api(port);

		String id = api.post("/messages", Payloads.alert("patient@example.com", "AUTH refused")).json().get("id").asString();

		JsonNode recipient = awaitStatus(api, id, "deferred").get("recipients").get(0);
		assertThat(recipient.get("lastReply").get("code").asInt()).isEqualTo(535);
		assertThat(recipient.get("lastReply").get("text").asString()).startsWith("credentials refused by the relay");
		await().atMost(Duration.ofSeconds(15)).until(() -> output.getOut().contains("relay refused the credentials"));
		assertNoSecretIn(output.getOut());

		Api.Response health = api.get("/actuator/health");
		assertThat(health.status()).isEqualTo(503);
		JsonNode relayHealth = health.json().get("components").get("relay");
		assertThat(relayHealth.get("status").asString()).isEqualTo("DOWN");
		assertThat(relayHealth.get("details").get("lastAuthFailure").get("reason").asString())
			.contains("credentials refused");
		assertNoSecretIn(health.body());
		// a relay problem queues mail; it does not take the instance out of service
		Api.Response readiness = api.get("/actuator/health/readiness");
		assertThat(readiness.status()).isEqualTo(200);
		assertThat(readiness.json().get("status").asString()).isEqualTo("UP");

		relay.restart(PASSWORD);
		clock.advance(Duration.ofMinutes(2));
		awaitStatus(api, id, "delivered");
		JsonNode recovered = api.get("/actuator/health").json().get("components").get("relay");
		assertThat(recovered.get("status").asString()).isEqualTo("UP");
		assertThat(recovered.get("details").has("lastAuthFailure")).isTrue();
	}

	private static JsonNode awaitStatus(Api api, String id, String status) {
		await().atMost(Duration.ofSeconds(45)).untilAsserted(() -> assertThat(
				api.get("/messages/" + id).json().get("recipients").get(0).get("status").asString()).isEqualTo(status));
		return api.get("/messages/" + id).json();
	}

	private static void assertNoSecretIn(String text) {
		assertThat(text).doesNotContain(PASSWORD)
			.doesNotContain(base64(PASSWORD))
			.doesNotContain(base64("\0" + USER + "\0" + PASSWORD));
	}

	private static String base64(String text) {
		return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * SubEthaSMTP requiring STARTTLS and AUTH (PLAIN, LOGIN), with a self-signed certificate for
	 * localhost. A restart on the same port drops every session, as a real relay restart would.
	 */
	static final class TlsAuthRelay {

		final SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost", "dns:localhost,ip:127.0.0.1");

		final List<String> received = new CopyOnWriteArrayList<>();

		private final int port = ScriptedSmtpServer.freePort();

		private SMTPServer server;

		synchronized void restart(String acceptedPassword) {
			stop();
			SSLContext tls;
			try {
				tls = certificate.serverContext();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
			server = SMTPServer.port(port)
				.bindAddress(InetAddress.getLoopbackAddress())
				.hostName("localhost")
				.messageHandler((context, from, to, data) -> received.add(to))
				.enableTLS()
				.requireTLS()
				.startTlsSocketFactory(tls)
				.requireAuth()
				.authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((user, password, context) -> {
					if (!USER.equals(user) || !acceptedPassword.equals(password)) {
						throw new LoginFailedException();
					}
				}))
				.build();
			server.start();
		}

		int port() {
			if (server == null) {
				restart(PASSWORD);
			}
			return port;
		}

		synchronized void stop() {
			if (server != null) {
				server.stop();
				server = null;
			}
		}

	}

}
