package io.mailroom.delivery;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.MutableClock;
import io.mailroom.support.Payloads;
import io.mailroom.support.ScriptedSmtpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code mailroom.relay.mode=mx}: the whole service delivering straight to the MX hosts that
 * dnsmasq names, all of them one SubEthaSMTP server on a loopback port.
 */
@MailroomTest
class MxDeliveryTests {

	static final ScriptedSmtpServer smtp = new ScriptedSmtpServer().start();

	static final LocalDns dns = LocalDns.start("--mx-host=example.test,mx.example.test,10",
			"--host-record=mx.example.test,127.0.0.1", "--mx-host=throttled.test,mx.throttled.test,10",
			"--host-record=mx.throttled.test,127.0.0.1", "--mx-host=calm.test,mx.calm.test,10",
			"--host-record=mx.calm.test,127.0.0.1", "--dns-rr=nullmx.test,15,000000");

	@DynamicPropertySource
	static void relay(DynamicPropertyRegistry registry) {
		registry.add("mailroom.delivery.enabled", () -> "true");
		registry.add("mailroom.relay.mode", () -> "mx");
		registry.add("mailroom.relay.dns-server", dns::address);
		registry.add("mailroom.relay.mx-port", smtp::port);
		registry.add("mailroom.delivery.retry.max-age", () -> "2h");
	}

	@AfterAll
	static void stopServers() {
		smtp.close();
		dns.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	MutableClock clock;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	DestinationThrottle throttle;

	Api api;

	@BeforeEach
	void setUp() {
		api = new Api(port);
		smtp.policy((recipient, n) -> null);
	}

	@Test
	void recipientIsDeliveredToTheMxHostOfItsDomain() {
		String id = post(Payloads.alert("ana@example.test", "Disk full."));

		JsonNode message = awaitStatus(id, "delivered");
		assertThat(message.get("attempts").get(0).get("host").asString()).isEqualTo("mx.example.test");
		assertThat(smtp.received()).extracting(ScriptedSmtpServer.Received::recipient).contains("ana@example.test");
	}

	@Test
	void aDomainWithNullMxIsBouncedHardWithoutConnecting() {
		int before = smtp.rcptCount();

		String id = post(Payloads.alert("nobody@nullmx.test", "Disk full."));

		JsonNode recipient = awaitStatus(id, "bounced").get("recipients").get(0);
		assertThat(recipient.get("lastReply").get("code").asInt()).isEqualTo(556);
		assertThat(recipient.get("lastReply").get("enhancedCode").asString()).isEqualTo("5.1.10");
		assertThat(recipient.get("bounce").get("kind").asString()).isEqualTo("hard");
		assertThat(smtp.rcptCount()).isEqualTo(before);
	}

	@Test
	void aThrottledDomainsQueueIsPausedInTheDatabaseWhileOtherDomainsFlow() {
		// two recipients that become due in 10 s, in the middle of the pause that is about to begin
		Instant soon = clock.instant().plusSeconds(10);
		String later = post(scheduled("later@throttled.test", soon));
		String calm = post(scheduled("calm@calm.test", soon));
		smtp.policy((recipient, n) -> recipient.startsWith("first@")
				? "451 4.7.650 The mail server has been temporarily rate limited due to IP reputation" : null);
		Instant throttledAt = clock.instant();

		String first = post(Payloads.alert("first@throttled.test", "Disk full."));
		awaitStatus(first, "deferred");
		smtp.policy((recipient, n) -> null);

		Instant pauseEnd = throttledAt.plusSeconds(30);
		assertThat(throttle.pausedUntil("throttled.test")).contains(pauseEnd);
		assertThat(nextAttemptOf("later@throttled.test")).isEqualTo(pauseEnd);
		assertThat(nextAttemptOf("calm@calm.test")).isEqualTo(soon);

		clock.advance(Duration.ofSeconds(11));
		awaitStatus(calm, "delivered");
		assertThat(status(later)).isEqualTo("scheduled");

		clock.advance(Duration.ofSeconds(20));
		awaitStatus(later, "delivered");
		clock.advance(Duration.ofSeconds(60));
		awaitStatus(first, "delivered");
	}

	private Instant nextAttemptOf(String email) {
		return jdbc.sql("select next_attempt_at from recipient where email = ?")
			.param(email)
			.query(Timestamp.class)
			.single()
			.toInstant();
	}

	private static String scheduled(String to, Instant sendAt) {
		JsonMapper json = JsonMapper.builder().build();
		ObjectNode body = (ObjectNode) json.readTree(Payloads.alert(to, "Scheduled."));
		body.put("sendAt", sendAt.toString());
		return json.writeValueAsString(body);
	}

	private String post(String body) {
		Api.Response accepted = api.post("/messages", body);
		assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
		return accepted.json().get("id").asString();
	}

	private String status(String id) {
		return api.get("/messages/" + id).json().get("recipients").get(0).get("status").asString();
	}

	private JsonNode awaitStatus(String id, String status) {
		await().atMost(Duration.ofSeconds(45)).untilAsserted(() -> assertThat(status(id)).isEqualTo(status));
		return api.get("/messages/" + id).json();
	}

}
