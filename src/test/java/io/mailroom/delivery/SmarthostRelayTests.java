package io.mailroom.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.mailroom.smtp.SmtpClientSettings;
import io.mailroom.smtp.SmtpConnectionPool;
import io.mailroom.smtp.SmtpConnectionPool.Destination;
import io.mailroom.smtp.SmtpTimeouts;
import io.mailroom.smtp.TlsMode;
import io.mailroom.support.MutableClock;
import io.mailroom.support.ScriptedSmtpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

/** Smarthost sessions from the connection pool, against a real SMTP server (SubEthaSMTP). */
class SmarthostRelayTests {

	final MutableClock clock = new MutableClock(Instant.now());

	ScriptedSmtpServer smtp;

	SmtpConnectionPool pool;

	Destination destination;

	RelayHealthIndicator health;

	SmarthostRelay relay;

	@BeforeEach
	void setUp() {
		smtp = new ScriptedSmtpServer().start();
		SmtpClientSettings settings = SmtpClientSettings.defaults("client.test")
			.withTlsMode(TlsMode.NONE)
			.withTimeouts(SmtpTimeouts.uniform(Duration.ofSeconds(10)));
		// no NOOP before reuse: a session the server dropped is then met by the transaction itself
		pool = new SmtpConnectionPool(settings, SmtpConnectionPool.Settings.defaults()
			.withMaxConnectionsPerDestination(2)
			.withProbeAfterIdle(Duration.ofMinutes(5)));
		destination = new Destination("127.0.0.1", smtp.port(), TlsMode.NONE);
		health = new RelayHealthIndicator("smarthost", "127.0.0.1:" + smtp.port(), null, Duration.ofMinutes(1), 1,
				clock);
		relay = new SmarthostRelay(pool, destination, 2, clock, new SmtpTimers(new SimpleMeterRegistry()), health);
	}

	@AfterEach
	void tearDown() {
		pool.close();
		smtp.close();
	}

	@Test
	void consecutiveRecipientsShareOnePooledSession() {
		AttemptResult first = send("one@example.com");
		AttemptResult second = send("two@example.com");
		AttemptResult third = send("three@example.com");

		assertThat(List.of(first, second, third)).extracting(AttemptResult::outcome)
			.containsOnly(AttemptResult.Outcome.DELIVERED);
		assertThat(third.transcript()).contains("connection reused, transaction 3");
		assertThat(pool.openConnections(destination)).isEqualTo(1);
		assertThat(smtp.received()).extracting(ScriptedSmtpServer.Received::recipient)
			.containsExactly("one@example.com", "two@example.com", "three@example.com");
		assertThat(health.health().getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void a421ToRcptDefersTheRecipientAndDropsTheSession() {
		smtp.policy((recipient, n) -> recipient.startsWith("busy@") ? "421 4.7.0 too many connections, slow down" : null);
		assertThat(send("before@example.com").outcome()).isEqualTo(AttemptResult.Outcome.DELIVERED);

		AttemptResult busy = send("busy@example.com");

		assertThat(busy.outcome()).isEqualTo(AttemptResult.Outcome.DEFERRED);
		assertThat(busy.replyCode()).isEqualTo(421);
		assertThat(busy.enhancedCode()).isEqualTo("4.7.0");
		assertThat(pool.openConnections(destination)).isZero();
		AttemptResult after = send("after@example.com");
		assertThat(after.outcome()).isEqualTo(AttemptResult.Outcome.DELIVERED);
		assertThat(after.transcript()).doesNotContain("connection reused");
	}

	@Test
	void a421AfterTheMessageDataDefersTheRecipientAndDropsTheSession() {
		smtp.dataPolicy(recipients -> recipients.contains("late@example.com") ? "421 4.3.2 shutting down" : null);

		AttemptResult late = send("late@example.com");

		assertThat(late.outcome()).isEqualTo(AttemptResult.Outcome.DEFERRED);
		assertThat(late.replyCode()).isEqualTo(421);
		assertThat(late.transcript()).contains("S: 421");
		assertThat(pool.openConnections(destination)).isZero();
		assertThat(smtp.received()).isEmpty();
	}

	@Test
	void aThrottlingReplyDropsTheSessionEvenThoughTheServerKeepsItOpen() {
		smtp.policy((recipient, n) -> recipient.startsWith("limited@")
				? "451 4.7.650 The mail server has been temporarily rate limited" : null);

		AttemptResult limited = send("limited@example.com");

		assertThat(limited.outcome()).isEqualTo(AttemptResult.Outcome.DEFERRED);
		assertThat(limited.replyCode()).isEqualTo(451);
		assertThat(pool.openConnections(destination)).isZero();
	}

	@Test
	void anOrdinaryRefusalKeepsTheSessionForTheNextRecipient() {
		smtp.policy((recipient, n) -> recipient.startsWith("nobody@") ? "550 5.1.1 no such user" : null);

		assertThat(send("nobody@example.com").outcome()).isEqualTo(AttemptResult.Outcome.BOUNCED);
		assertThat(pool.idleConnections(destination)).isEqualTo(1);
		assertThat(send("somebody@example.com").transcript()).contains("connection reused");
	}

	@Test
	void aMessageRefusedLocallyBouncesAndTheSessionStaysUsable() {
		String longLine = "x".repeat(1200);
		AttemptResult refused = relay.send(recipient("long@example.com", longLine), "bounces@example.com");

		assertThat(refused.outcome()).isEqualTo(AttemptResult.Outcome.BOUNCED);
		assertThat(refused.enhancedCode()).isEqualTo("5.6.0");
		assertThat(pool.openConnections(destination)).isEqualTo(1);
	}

	@Test
	void aKeptAliveSessionTheServerDroppedIsReplacedWithoutLosingTheRecipient() {
		assertThat(send("first@example.com").outcome()).isEqualTo(AttemptResult.Outcome.DELIVERED);
		assertThat(pool.idleConnections(destination)).isEqualTo(1);
		// a relay restart: the pooled session is dead, and nothing tells the client until it writes
		smtp.close();
		smtp.start();

		AttemptResult second = send("second@example.com");

		assertThat(second.outcome()).isEqualTo(AttemptResult.Outcome.DELIVERED);
		assertThat(second.transcript()).doesNotContain("connection reused");
		assertThat(smtp.received()).extracting(ScriptedSmtpServer.Received::recipient)
			.containsExactly("first@example.com", "second@example.com");
	}

	@Test
	void aRelayThatCannotBeReachedDefersAndShowsInTheHealth() {
		smtp.close();

		AttemptResult result = send("waiting@example.com");

		assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.DEFERRED);
		assertThat(result.replyCode()).isNull();
		assertThat(result.host()).isEqualTo("127.0.0.1");
		assertThat(result.text()).contains("cannot connect");
		Health down = health.health();
		assertThat(down.getStatus()).isEqualTo(Status.DOWN);
		assertThat(down.getDetails()).containsKey("lastFailure").doesNotContainKey("lastAuthFailure");
	}

	private AttemptResult send(String email) {
		return relay.send(recipient(email, "Hello."), "bounces+x@bounces.example.com");
	}

	static ClaimedRecipient recipient(String email, String body) {
		String mime = "From: shop@example.com\r\nTo: " + email + "\r\nSubject: test\r\n"
				+ "Message-ID: <" + UUID.randomUUID() + "@example.com>\r\n\r\n" + body + "\r\n";
		return new ClaimedRecipient(UUID.randomUUID(), UUID.randomUUID(), email,
				email.substring(email.indexOf('@') + 1), 0, 1, Instant.now(), false, "shop@example.com",
				mime.getBytes(StandardCharsets.UTF_8), "alert", List.of(), Map.of(), "transactional");
	}

}
