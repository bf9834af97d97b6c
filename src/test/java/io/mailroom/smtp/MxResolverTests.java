package io.mailroom.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailroom.smtp.MxResolver.MxHost;
import io.mailroom.smtp.MxResolver.MxRoute;
import io.mailroom.smtp.SmtpException.Kind;

/** MX resolution against dnsmasq, and delivery along the route to smtp-sink. */
class MxResolverTests {

	private static Dnsmasq dns;

	private static MxResolver resolver;

	@BeforeAll
	static void startDns() throws Exception {
		dns = Dnsmasq.start("--mx-host=example.test,mx-backup.example.test,20",
				"--mx-host=example.test,mx-primary.example.test,10", "--host-record=mx-primary.example.test,::1",
				"--host-record=mx-backup.example.test,127.0.0.1", "--dns-rr=nullmx.test,15,000000",
				"--host-record=plain.test,127.0.0.1", "--mx-host=dangling.test,nowhere.test,10",
				"--txt-record=nomail.test,nothing here");
		resolver = new MxResolver("127.0.0.1", dns.port(), Duration.ofSeconds(2));
	}

	@AfterAll
	static void stopDns() {
		dns.close();
	}

	@Test
	void mxHostsComeInPreferenceOrderWithTheirAddresses() throws Exception {
		MxRoute route = resolver.resolve("example.test");

		assertThat(route.status()).isEqualTo(MxRoute.Status.MX);
		assertThat(route.hosts()).extracting(MxHost::name).containsExactly("mx-primary.example.test", "mx-backup.example.test");
		assertThat(route.hosts()).extracting(MxHost::preference).containsExactly(10, 20);
		assertThat(route.hosts().get(1).addresses()).containsExactly(InetAddress.getByName("127.0.0.1"));
		assertThat(route.isDeliverable()).isTrue();
	}

	@Test
	void domainWithoutMxFallsBackToItsAddress() throws Exception {
		MxRoute route = resolver.resolve("Plain.Test.");

		assertThat(route.status()).isEqualTo(MxRoute.Status.ADDRESS_FALLBACK);
		assertThat(route.hosts()).singleElement().satisfies(host -> {
			assertThat(host.name()).isEqualTo("plain.test");
			assertThat(host.addresses()).containsExactly(InetAddress.getByName("127.0.0.1"));
		});
	}

	@Test
	void nullMxIsAPermanentFailureWith5_1_10() throws Exception {
		MxRoute route = resolver.resolve("nullmx.test");

		assertThat(route.status()).isEqualTo(MxRoute.Status.NULL_MX);
		assertThat(route.isDeliverable()).isFalse();
		assertThat(route.failureReply().code()).isEqualTo(556);
		assertThat(route.failureReply().enhancedCode()).isEqualTo("5.1.10");
	}

	@Test
	void unknownDomainDoesNotExist() throws Exception {
		MxRoute route = resolver.resolve("no-such-domain.test");
		assertThat(route.status()).isEqualTo(MxRoute.Status.NO_SUCH_DOMAIN);
		assertThat(route.failureReply().enhancedCode()).isEqualTo("5.1.2");
	}

	@Test
	void domainWithNeitherMxNorAddressHasNoMailHost() throws Exception {
		assertThat(resolver.resolve("nomail.test").status()).isEqualTo(MxRoute.Status.NO_MAIL_HOST);
	}

	@Test
	void mxHostsWithoutAddressesAreATemporaryFailure() {
		assertThatThrownBy(() -> resolver.resolve("dangling.test"))
			.isInstanceOfSatisfying(SmtpException.class, ex -> {
				assertThat(ex.kind()).isEqualTo(Kind.CONNECT);
				assertThat(ex.isTransient()).isTrue();
			});
	}

	@Test
	void silentDnsServerIsATemporaryFailure() throws Exception {
		int nobodyListens = SmtpSink.freePort();
		MxResolver deaf = new MxResolver("127.0.0.1", nobodyListens, Duration.ofMillis(300));
		assertThatThrownBy(() -> deaf.resolve("example.test"))
			.isInstanceOfSatisfying(SmtpException.class, ex -> assertThat(ex.kind()).isEqualTo(Kind.CONNECT));
	}

	@Test
	void deliveryMovesToTheNextMxWhenTheFirstRefuses() throws Exception {
		// mx-primary is ::1 where nothing listens on the sink's port; mx-backup is the sink
		SmtpClient client = new SmtpClient(SmtpClientSettings.defaults("client.test")
			.withTlsMode(TlsMode.NONE)
			.withTimeouts(SmtpTimeouts.uniform(Duration.ofSeconds(5))));
		try (SmtpSink sink = SmtpSink.start();
				SmtpConnection connection = client.connect(resolver.resolve("example.test"), sink.port())) {
			assertThat(connection.remoteHost()).isEqualTo("mx-backup.example.test");
			assertThat(connection.send(new Envelope("s@example.org", "r@example.test"),
					SmtpConnectionTests.message("mx", "x\r\n")).data().code()).isEqualTo(250);
		}
	}

	@Test
	void deliveryToANullMxDomainFailsPermanently() throws Exception {
		SmtpClient client = new SmtpClient(SmtpClientSettings.defaults("client.test"));
		MxRoute route = resolver.resolve("nullmx.test");
		assertThatThrownBy(() -> client.connect(route, 25)).isInstanceOfSatisfying(SmtpException.class, ex -> {
			assertThat(ex.kind()).isEqualTo(Kind.PERMANENT);
			assertThat(ex.reply().enhancedCode()).isEqualTo("5.1.10");
		});
	}

}
