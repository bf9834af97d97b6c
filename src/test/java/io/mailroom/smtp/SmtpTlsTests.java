package io.mailroom.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.icegreen.greenmail.util.DummySSLServerSocketFactory;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailroom.smtp.SmtpException.Kind;

/**
 * STARTTLS against SubEthaSMTP (GreenMail 2.1 has no server-side STARTTLS) and implicit TLS
 * against GreenMail's SMTPS, both presenting a self-signed certificate for "localhost".
 */
class SmtpTlsTests {

	private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

	private static final Envelope ENVELOPE = new Envelope("s@example.com", "r@example.com");

	private static SmtpClientSettings trusting;

	@BeforeAll
	static void certificates() throws Exception {
		trusting = SmtpClientSettings.defaults("client.test")
			.withSslContext(TestCertificates.trustingClientContext())
			.withTimeouts(SmtpTimeouts.uniform(Duration.ofSeconds(10)));
		System.setProperty(DummySSLServerSocketFactory.GREENMAIL_KEYSTORE_FILE_PROPERTY,
				TestCertificates.keyStore().toString());
		System.setProperty(DummySSLServerSocketFactory.GREENMAIL_KEYSTORE_PASSWORD_PROPERTY, TestCertificates.PASSWORD);
		System.setProperty(DummySSLServerSocketFactory.GREENMAIL_KEY_PASSWORD_PROPERTY, TestCertificates.PASSWORD);
	}

	@AfterAll
	static void forgetKeyStore() {
		System.clearProperty(DummySSLServerSocketFactory.GREENMAIL_KEYSTORE_FILE_PROPERTY);
		System.clearProperty(DummySSLServerSocketFactory.GREENMAIL_KEYSTORE_PASSWORD_PROPERTY);
		System.clearProperty(DummySSLServerSocketFactory.GREENMAIL_KEY_PASSWORD_PROPERTY);
	}

	private static SubEthaServer startTlsServer() throws Exception {
		javax.net.ssl.SSLContext serverContext = TestCertificates.serverContext();
		return new SubEthaServer(b -> b.enableTLS().startTlsSocketFactory(serverContext));
	}

	@Test
	void requiredStartTlsEncryptsAndAsksEhloAgain() throws Exception {
		try (SubEthaServer server = startTlsServer();
				SmtpConnection connection = new SmtpClient(trusting.withTlsMode(TlsMode.STARTTLS_REQUIRED))
					.connect("localhost", LOOPBACK, server.port())) {
			assertThat(connection.tlsProtocol()).isIn("TLSv1.2", "TLSv1.3");
			assertThat(connection.sessionTranscript()).containsSubsequence("C: EHLO client.test", "C: STARTTLS",
					"S: 220", "* TLS established", "C: EHLO client.test");

			assertThat(connection.send(ENVELOPE, SmtpConnectionTests.message("tls", "secret\r\n")).data().code())
				.isEqualTo(250);
		}
	}

	@Test
	void opportunisticModeUsesStartTlsWhenOffered() throws Exception {
		try (SubEthaServer server = startTlsServer();
				SmtpConnection connection = new SmtpClient(trusting).connect("localhost", LOOPBACK, server.port())) {
			assertThat(connection.tlsProtocol()).isNotNull();
		}
	}

	@Test
	void opportunisticModeStaysPlainWhenTlsIsNotOffered() throws Exception {
		try (SubEthaServer server = new SubEthaServer(b -> b);
				SmtpConnection connection = new SmtpClient(trusting).connect("localhost", LOOPBACK, server.port())) {
			assertThat(connection.tlsProtocol()).isNull();
			assertThat(connection.send(ENVELOPE, SmtpConnectionTests.message("plain", "x\r\n")).data().code())
				.isEqualTo(250);
		}
	}

	@Test
	void requiredModeRefusesAServerWithoutStartTls() throws Exception {
		try (SubEthaServer server = new SubEthaServer(b -> b)) {
			assertThatThrownBy(() -> new SmtpClient(trusting.withTlsMode(TlsMode.STARTTLS_REQUIRED)).connect("localhost",
					LOOPBACK, server.port()))
				.isInstanceOfSatisfying(SmtpException.class, ex -> {
					assertThat(ex.kind()).isEqualTo(Kind.TLS);
					assertThat(ex.getMessage()).contains("does not offer");
				});
			assertThat(server.received()).isEmpty();
		}
	}

	@Test
	void untrustedCertificateFailsVerification() throws Exception {
		SmtpClient jvmTrust = new SmtpClient(trusting.withSslContext(null).withTlsMode(TlsMode.STARTTLS_REQUIRED));
		try (SubEthaServer server = startTlsServer()) {
			assertThatThrownBy(() -> jvmTrust.connect("localhost", LOOPBACK, server.port()))
				.isInstanceOfSatisfying(SmtpException.class, ex -> {
					assertThat(ex.kind()).isEqualTo(Kind.TLS);
					assertThat(ex.isTransient()).isTrue();
					assertThat(ex.getMessage()).contains("TLS handshake with localhost failed");
				});
		}
	}

	@Test
	void untrustedCertificateAlsoFailsInOpportunisticMode() throws Exception {
		SmtpClient jvmTrust = new SmtpClient(trusting.withSslContext(null));
		try (SubEthaServer server = startTlsServer()) {
			assertThatThrownBy(() -> jvmTrust.connect("localhost", LOOPBACK, server.port()))
				.isInstanceOfSatisfying(SmtpException.class, ex -> assertThat(ex.kind()).isEqualTo(Kind.TLS));
		}
	}

	@Test
	void certificateForAnotherNameFailsHostNameVerification() throws Exception {
		try (SubEthaServer server = startTlsServer()) {
			SmtpClient client = new SmtpClient(trusting.withTlsMode(TlsMode.STARTTLS_REQUIRED));
			assertThatThrownBy(() -> client.connect("mail.example.com", LOOPBACK, server.port()))
				.isInstanceOfSatisfying(SmtpException.class, ex -> assertThat(ex.kind()).isEqualTo(Kind.TLS));

			try (SmtpConnection lenient = new SmtpClient(client.settings().withVerifyHostname(false))
				.connect("mail.example.com", LOOPBACK, server.port())) {
				assertThat(lenient.tlsProtocol()).isNotNull();
			}
		}
	}

	@Test
	void withoutCertificateVerificationAnyCertificateEncrypts() throws Exception {
		try (SubEthaServer server = startTlsServer();
				SmtpConnection connection = new SmtpClient(SmtpClientSettings.defaults("client.test")
					.withTlsMode(TlsMode.STARTTLS_REQUIRED)
					.withoutCertificateVerification()).connect("mx.example.net", LOOPBACK, server.port())) {
			assertThat(connection.tlsProtocol()).isNotNull();
		}
	}

	@Test
	void implicitTlsEncryptsFromTheFirstByte() throws Exception {
		GreenMail greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS).dynamicPort());
		greenMail.start();
		try (SmtpConnection connection = new SmtpClient(trusting.withTlsMode(TlsMode.IMPLICIT)).connect("localhost",
				LOOPBACK, greenMail.getSmtps().getPort())) {
			assertThat(connection.tlsProtocol()).isIn("TLSv1.2", "TLSv1.3");
			assertThat(connection.sessionTranscript()).containsSubsequence("* TLS established", "S: 220")
				.doesNotContain("STARTTLS");
			assertThat(connection.send(ENVELOPE, SmtpConnectionTests.message("smtps", "x\r\n")).data().code())
				.isEqualTo(250);
			assertThat(greenMail.getReceivedMessages()).hasSize(1);
		}
		finally {
			greenMail.stop();
		}
	}

	@Test
	void implicitTlsAgainstAPlaintextServerFailsCleanly() throws Exception {
		try (SubEthaServer server = new SubEthaServer(b -> b)) {
			SmtpClient client = new SmtpClient(trusting.withTlsMode(TlsMode.IMPLICIT));
			assertThatThrownBy(() -> client.connect("localhost", LOOPBACK, server.port()))
				.isInstanceOfSatisfying(SmtpException.class, ex -> assertThat(ex.kind()).isEqualTo(Kind.TLS));
		}
	}

	@Test
	void opportunisticModeContinuesInPlaintextAfter454() throws Exception {
		try (Aiosmtpd server = Aiosmtpd.startRefusingTls();
				SmtpConnection connection = new SmtpClient(trusting).connect("localhost", LOOPBACK, server.port())) {
			assertThat(connection.extensions()).contains("STARTTLS");
			assertThat(connection.tlsProtocol()).isNull();
			assertThat(connection.sessionTranscript()).contains("S: 454", "* continuing without TLS");
			assertThat(connection.send(ENVELOPE, SmtpConnectionTests.message("454", "x\r\n")).data().code())
				.isEqualTo(250);
		}
	}

	@Test
	void requiredModeFailsOn454() throws Exception {
		try (Aiosmtpd server = Aiosmtpd.startRefusingTls()) {
			SmtpClient client = new SmtpClient(trusting.withTlsMode(TlsMode.STARTTLS_REQUIRED));
			assertThatThrownBy(() -> client.connect("localhost", LOOPBACK, server.port()))
				.isInstanceOfSatisfying(SmtpException.class, ex -> {
					assertThat(ex.kind()).isEqualTo(Kind.TLS);
					assertThat(ex.reply().code()).isEqualTo(454);
					assertThat(ex.isTransient()).isTrue();
				});
		}
	}

}
