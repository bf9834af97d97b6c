package io.mailroom.delivery;

import java.time.Duration;
import java.time.Instant;

import io.mailroom.smtp.MxResolver;
import io.mailroom.smtp.MxResolver.MxRoute;
import io.mailroom.smtp.SmtpClientSettings;
import io.mailroom.smtp.SmtpConnectionPool;
import io.mailroom.smtp.SmtpTimeouts;
import io.mailroom.smtp.TlsMode;
import io.mailroom.support.MutableClock;
import io.mailroom.support.ScriptedSmtpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.mailroom.delivery.SmarthostRelayTests.recipient;
import static org.assertj.core.api.Assertions.assertThat;

/** MX delivery against dnsmasq (the DNS) and SubEthaSMTP (every MX host), all on loopback. */
class MxRelayTests {

	static LocalDns dns;

	static ScriptedSmtpServer smtp;

	final MutableClock clock = new MutableClock(Instant.now());

	SmtpConnectionPool pool;

	MxRelay relay;

	@BeforeAll
	static void startServers() {
		smtp = new ScriptedSmtpServer().start();
		// mx-dead answers on 127.0.0.2, where nothing listens: connections to it are refused
		dns = LocalDns.start("--mx-host=example.test,mx.example.test,10", "--host-record=mx.example.test,127.0.0.1",
				"--mx-host=backup.test,mx-dead.backup.test,10", "--mx-host=backup.test,mx-live.backup.test,20",
				"--host-record=mx-dead.backup.test,127.0.0.2", "--host-record=mx-live.backup.test,127.0.0.1",
				"--dns-rr=nullmx.test,15,000000");
	}

	@AfterAll
	static void stopServers() {
		dns.close();
		smtp.close();
	}

	@BeforeEach
	void setUp() {
		SmtpClientSettings settings = SmtpClientSettings.defaults("client.test")
			.withTlsMode(TlsMode.NONE)
			.withTimeouts(SmtpTimeouts.uniform(Duration.ofSeconds(10)));
		pool = new SmtpConnectionPool(settings, SmtpConnectionPool.Settings.defaults().withMaxConnectionsPerDestination(2));
		RelayHealthIndicator health = new RelayHealthIndicator("mx", "MX", null, Duration.ofMinutes(1), 10, clock);
		relay = new MxRelay(pool, new MxResolver("127.0.0.1", dns.port(), Duration.ofSeconds(2)), smtp.port(),
				TlsMode.NONE, Duration.ofSeconds(60), 2, clock, new SmtpTimers(new SimpleMeterRegistry()), health);
	}

	@AfterEach
	void tearDown() {
		pool.close();
	}

	@Test
	void recipientIsDeliveredToTheMxHostOfItsDomain() {
		AttemptResult result = send("ana@example.test");

		assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.DELIVERED);
		assertThat(result.host()).isEqualTo("mx.example.test");
		assertThat(smtp.received()).extracting(ScriptedSmtpServer.Received::recipient).contains("ana@example.test");
		assertThat(pool.openConnections(new SmtpConnectionPool.Destination("mx.example.test", smtp.port(), TlsMode.NONE)))
			.isEqualTo(1);
	}

	@Test
	void anUnreachableMxHostMovesDeliveryOnToTheNextOne() {
		AttemptResult result = send("bo@backup.test");

		assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.DELIVERED);
		assertThat(result.host()).isEqualTo("mx-live.backup.test");
		assertThat(result.transcript()).contains("127.0.0.2");
		assertThat(smtp.received()).extracting(ScriptedSmtpServer.Received::recipient).contains("bo@backup.test");
	}

	@Test
	void aDomainWithNullMxBouncesWith5_1_10WithoutConnecting() {
		int before = smtp.rcptCount();

		AttemptResult result = send("nobody@nullmx.test");

		assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.BOUNCED);
		assertThat(result.replyCode()).isEqualTo(556);
		assertThat(result.enhancedCode()).isEqualTo("5.1.10");
		assertThat(smtp.rcptCount()).isEqualTo(before);
	}

	@Test
	void aDomainThatDoesNotExistBouncesWith5_1_2() {
		AttemptResult result = send("someone@missing.test");

		assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.BOUNCED);
		assertThat(result.replyCode()).isEqualTo(550);
		assertThat(result.enhancedCode()).isEqualTo("5.1.2");
	}

	@Test
	void anAddressLiteralIsDeliveredToThatAddressWithoutDns() {
		AttemptResult result = send("postmaster@[127.0.0.1]");

		assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.DELIVERED);
		assertThat(smtp.received()).extracting(ScriptedSmtpServer.Received::recipient)
			.contains("postmaster@[127.0.0.1]");
	}

	@Test
	void routesAreReusedBrieflyThenResolvedAgain() throws Exception {
		MxRoute first = relay.route("example.test");

		clock.advance(Duration.ofSeconds(59));
		assertThat(relay.route("example.test")).isSameAs(first);
		clock.advance(Duration.ofSeconds(2));
		MxRoute again = relay.route("example.test");
		assertThat(again).isNotSameAs(first).isEqualTo(first);
	}

	@Test
	void throttlingIsPerRecipientDomain() {
		assertThat(relay.destination(recipient("a@Example.Test", "x"))).isEqualTo("example.test");
		assertThat(relay.destination(recipient("b@backup.test", "x"))).isEqualTo("backup.test");
		assertThat(relay.onlyDestination()).isEmpty();
	}

	private AttemptResult send(String email) {
		return relay.send(recipient(email, "Hello."), "bounces+x@bounces.example.com");
	}

}
