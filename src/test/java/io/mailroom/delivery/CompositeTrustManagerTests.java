package io.mailroom.delivery;

import java.net.InetAddress;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

import io.mailroom.smtp.Envelope;
import io.mailroom.smtp.SmtpClient;
import io.mailroom.smtp.SmtpClientSettings;
import io.mailroom.smtp.SmtpConnection;
import io.mailroom.smtp.SmtpException;
import io.mailroom.smtp.SmtpTimeouts;
import io.mailroom.smtp.TlsMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.subethamail.smtp.server.SMTPServer;

import org.springframework.core.io.FileSystemResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code mailroom.relay.trust-store} adds CAs to the JVM's instead of replacing them. */
class CompositeTrustManagerTests {

	static SelfSignedCertificate relayCertificate;

	static SelfSignedCertificate otherCertificate;

	static SelfSignedCertificate strangerCertificate;

	@BeforeAll
	static void certificates() {
		relayCertificate = SelfSignedCertificate.create("localhost", "dns:localhost,ip:127.0.0.1");
		otherCertificate = SelfSignedCertificate.create("other.test", "dns:other.test");
		strangerCertificate = SelfSignedCertificate.create("stranger.test", "dns:stranger.test");
	}

	@Test
	void aCertificateIsTrustedWhenAnyOfTheStoresTrustsIt() throws Exception {
		CompositeTrustManager composite = new CompositeTrustManager(
				List.of(trustManager(relayCertificate.trustStore()), trustManager(otherCertificate.trustStore())));

		composite.checkServerTrusted(chain(relayCertificate), "RSA");
		composite.checkServerTrusted(chain(otherCertificate), "RSA");
		assertThatThrownBy(() -> composite.checkServerTrusted(chain(strangerCertificate), "RSA"))
			.isInstanceOf(CertificateException.class);
	}

	@Test
	void theConfiguredStoreComesOnTopOfTheJvmCertificateAuthorities() throws Exception {
		CompositeTrustManager composite = CompositeTrustManager.jvmDefaultsAnd(relayCertificate.trustStore());

		List<X509Certificate> issuers = Arrays.asList(composite.getAcceptedIssuers());
		assertThat(issuers).contains(relayCertificate.certificate());
		assertThat(issuers).containsAll(Arrays.asList(trustManager(null).getAcceptedIssuers()));
		assertThat(trustManager(null).getAcceptedIssuers()).isNotEmpty();
		composite.checkServerTrusted(chain(relayCertificate), "RSA");
	}

	@Test
	void theRelayIsVerifiedWithTheTrustStoreAndItsHostNameIsStillChecked() throws Exception {
		SSLContext context = DeliveryConfiguration.sslContext(
				new FileSystemResource(relayCertificate.trustStoreFile()), SelfSignedCertificate.PASSWORD);
		SSLContext serverContext = relayCertificate.serverContext();
		SMTPServer server = SMTPServer.port(0)
			.bindAddress(InetAddress.getLoopbackAddress())
			.hostName("localhost")
			.messageHandler((messageContext, from, to, data) -> {
			})
			.enableTLS()
			.requireTLS()
			.startTlsSocketFactory(serverContext)
			.build();
		server.start();
		try {
			SmtpClient client = new SmtpClient(SmtpClientSettings.defaults("client.test")
				.withTlsMode(TlsMode.STARTTLS_REQUIRED)
				.withSslContext(context)
				.withTimeouts(SmtpTimeouts.uniform(Duration.ofSeconds(10))));
			try (SmtpConnection connection = client.connect("localhost", InetAddress.getLoopbackAddress(),
					server.getPortAllocated())) {
				assertThat(connection.tlsProtocol()).startsWith("TLSv1.");
				assertThat(connection.send(new Envelope("a@example.com", "b@example.com"),
						"Subject: x\r\n\r\nx\r\n".getBytes()).data().code()).isEqualTo(250);
			}
			// the same certificate reached under a name it does not carry
			assertThatThrownBy(() -> client.connect("mail.example.test", InetAddress.getLoopbackAddress(),
					server.getPortAllocated()))
				.isInstanceOfSatisfying(SmtpException.class, ex -> assertThat(ex.kind()).isEqualTo(SmtpException.Kind.TLS));
		}
		finally {
			server.stop();
		}
	}

	private static X509Certificate[] chain(SelfSignedCertificate certificate) throws Exception {
		return new X509Certificate[] { certificate.certificate() };
	}

	private static X509ExtendedTrustManager trustManager(KeyStore store) throws Exception {
		TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		factory.init(store);
		for (TrustManager manager : factory.getTrustManagers()) {
			if (manager instanceof X509TrustManager) {
				return (X509ExtendedTrustManager) manager;
			}
		}
		throw new IllegalStateException("no X.509 trust manager");
	}

}
