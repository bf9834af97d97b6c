package io.mailroom.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.subethamail.smtp.auth.LoginAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.auth.UsernamePasswordValidator;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailroom.smtp.SmtpException.Kind;

/** AUTH PLAIN against GreenMail, AUTH LOGIN against SubEthaSMTP, both behind TLS. */
class SmtpAuthTests {

	private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

	private static final String PASSWORD = "s3cret-Pa55";

	private static SSLContext trust;

	private GreenMail greenMail;

	private SmtpClientSettings settings;

	@BeforeAll
	static void certificates() throws Exception {
		trust = TestCertificates.trustingClientContext();
	}

	@BeforeEach
	void startGreenMail() {
		greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort())
			.withConfiguration(GreenMailConfiguration.aConfig().withUser("relay@example.com", "relay", PASSWORD));
		greenMail.start();
		settings = SmtpClientSettings.defaults("client.test")
			.withSslContext(trust)
			.withTimeouts(SmtpTimeouts.uniform(Duration.ofSeconds(10)));
	}

	@AfterEach
	void stopGreenMail() {
		greenMail.stop();
	}

	private int greenMailPort() {
		return greenMail.getSmtp().getPort();
	}

	@Test
	void plainAuthSucceedsAndKeepsTheCredentialsOutOfTheTranscript() throws Exception {
		SmtpClient client = new SmtpClient(settings.withTlsMode(TlsMode.NONE)
			.withCredentials("relay", PASSWORD)
			.withAllowPlaintextAuth(true));
		try (SmtpConnection connection = client.connect("localhost", LOOPBACK, greenMailPort())) {
			TransactionResult result = connection.send(new Envelope("relay@example.com", "r@example.com"),
					SmtpConnectionTests.message("auth", "x\r\n"));

			assertThat(result.data().code()).isEqualTo(250);
			assertThat(result.transcript()).contains("C: AUTH PLAIN <redacted>", "S: 235");
			assertNoSecretIn(result.transcript());
		}
	}

	@Test
	void refusedCredentialsEndTheSessionWithAClearReason() throws Exception {
		SmtpClient client = new SmtpClient(settings.withTlsMode(TlsMode.NONE)
			.withCredentials("relay", "wrong-password")
			.withAllowPlaintextAuth(true));
		assertThatThrownBy(() -> client.connect("localhost", LOOPBACK, greenMailPort()))
			.isInstanceOfSatisfying(SmtpException.class, ex -> {
				assertThat(ex.kind()).isEqualTo(Kind.AUTH);
				assertThat(ex.reply().code()).isEqualTo(535);
				assertThat(ex.getMessage()).startsWith("credentials refused by localhost");
				// the recipients are not at fault: they stay deferred
				assertThat(ex.isTransient()).isTrue();
				assertThat(ex.transcript()).doesNotContain("wrong-password")
					.doesNotContain(base64("\0relay\0wrong-password"));
			});
	}

	@Test
	void credentialsAreNeverSentOverPlaintextUnlessAllowed() {
		SmtpClient client = new SmtpClient(settings.withTlsMode(TlsMode.NONE).withCredentials("relay", PASSWORD));
		assertThatThrownBy(() -> client.connect("localhost", LOOPBACK, greenMailPort()))
			.isInstanceOfSatisfying(SmtpException.class, ex -> {
				assertThat(ex.kind()).isEqualTo(Kind.AUTH);
				assertThat(ex.getMessage()).contains("unencrypted");
				assertThat(ex.transcript()).doesNotContain("C: AUTH");
			});
	}

	@Test
	void plainAuthOverImplicitTls() throws Exception {
		GreenMail smtps = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS).dynamicPort())
			.withConfiguration(GreenMailConfiguration.aConfig().withUser("relay@example.com", "relay", PASSWORD));
		String keyStore = TestCertificates.keyStore().toString();
		System.setProperty("greenmail.tls.keystore.file", keyStore);
		System.setProperty("greenmail.tls.keystore.password", TestCertificates.PASSWORD);
		System.setProperty("greenmail.tls.key.password", TestCertificates.PASSWORD);
		try {
			smtps.start();
			SmtpClient client = new SmtpClient(settings.withTlsMode(TlsMode.IMPLICIT).withCredentials("relay", PASSWORD));
			try (SmtpConnection connection = client.connect("localhost", LOOPBACK, smtps.getSmtps().getPort())) {
				assertThat(connection.sessionTranscript()).contains("C: AUTH PLAIN <redacted>");
				assertNoSecretIn(connection.sessionTranscript());
			}
		}
		finally {
			smtps.stop();
			System.clearProperty("greenmail.tls.keystore.file");
			System.clearProperty("greenmail.tls.keystore.password");
			System.clearProperty("greenmail.tls.key.password");
		}
	}

	@Test
	void loginAuthIsUsedWhenItIsTheOnlyMechanism() throws Exception {
		UsernamePasswordValidator validator = (user, password, context) -> {
			if (!user.equals("relay") || !password.equals(PASSWORD)) {
				throw new LoginFailedException();
			}
		};
		SSLContext serverContext = TestCertificates.serverContext();
		try (SubEthaServer server = new SubEthaServer(b -> b.enableTLS()
			.startTlsSocketFactory(serverContext)
			.requireAuth()
			.authenticationHandlerFactory(new LoginAuthenticationHandlerFactory(validator)))) {
			SmtpClient client = new SmtpClient(settings.withTlsMode(TlsMode.STARTTLS_REQUIRED).withCredentials("relay", PASSWORD));
			try (SmtpConnection connection = client.connect("localhost", LOOPBACK, server.port())) {
				assertThat(connection.sessionTranscript()).contains("C: AUTH LOGIN", "C: <redacted>", "S: 235");
				assertNoSecretIn(connection.sessionTranscript());
				assertThat(connection.send(new Envelope("relay@example.com", "r@example.com"),
						SmtpConnectionTests.message("login", "x\r\n")).data().code()).isEqualTo(250);
			}

			SmtpClient wrong = new SmtpClient(client.settings().withCredentials("relay", "nope"));
			assertThatThrownBy(() -> wrong.connect("localhost", LOOPBACK, server.port()))
				.isInstanceOfSatisfying(SmtpException.class, ex -> {
					assertThat(ex.kind()).isEqualTo(Kind.AUTH);
					assertThat(ex.reply().code()).isEqualTo(535);
				});
			assertThat(server.received()).hasSize(1);
		}
	}

	private static void assertNoSecretIn(String transcript) {
		assertThat(transcript).doesNotContain(PASSWORD)
			.doesNotContain(base64(PASSWORD))
			.doesNotContain(base64("\0relay\0" + PASSWORD))
			.doesNotContain(base64("relay"));
	}

	private static String base64(String text) {
		return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
	}

}
