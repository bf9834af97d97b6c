package io.mailroom.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;

import jakarta.mail.internet.MimeMessage;

/** The plain session against an in-process GreenMail server. */
class SmtpConnectionTests {

	private GreenMail greenMail;

	private SmtpClient client;

	@BeforeEach
	void startServer() {
		greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
		greenMail.start();
		client = new SmtpClient(SmtpClientSettings.defaults("client.test")
			.withTlsMode(TlsMode.NONE)
			.withTimeouts(SmtpTimeouts.uniform(Duration.ofSeconds(10))));
	}

	@AfterEach
	void stopServer() {
		greenMail.stop();
	}

	private int port() {
		return greenMail.getSmtp().getPort();
	}

	@Test
	void deliversAMessageAndReportsEveryRecipient() throws Exception {
		byte[] message = message("Hello", "Hi there.\r\n");
		try (SmtpConnection connection = client.connect("127.0.0.1", port())) {
			TransactionResult result = connection.send(new Envelope("sender@example.com", "a@example.com", "b@example.com"),
					message);

			assertThat(result.mail().code()).isEqualTo(250);
			assertThat(result.recipients()).extracting(r -> r.reply().code()).containsExactly(250, 250);
			assertThat(result.data().code()).isEqualTo(250);
			assertThat(result.outcomeFor("b@example.com").isPositive()).isTrue();
		}
		MimeMessage[] received = greenMail.getReceivedMessages();
		assertThat(received).hasSize(2);
		assertThat(received[0].getSubject()).isEqualTo("Hello");
	}

	@Test
	void readsTheMultiLineEhloReplyIntoExtensions() throws Exception {
		try (SmtpConnection connection = client.connect("127.0.0.1", port())) {
			// GreenMail answers "250-<name>" then "250 AUTH PLAIN LOGIN": the keyword is on the last line
			assertThat(connection.extensions()).containsExactly("AUTH");
			assertThat(connection.sessionTranscript()).contains("C: EHLO client.test")
				.containsPattern("S: 250-.*\nS: 250 AUTH");
			assertThat(connection.remoteHost()).isEqualTo("127.0.0.1");
		}
	}

	@Test
	void linesStartingWithADotSurviveTheTrip() throws Exception {
		String body = ".one dot\r\n..two dots\r\n.\r\nlast line without break";
		try (SmtpConnection connection = client.connect("127.0.0.1", port())) {
			TransactionResult result = connection.send(new Envelope("s@example.com", "r@example.com"),
					message("Dots", body));
			assertThat(result.data().code()).isEqualTo(250);
		}
		String received = GreenMailUtil.getBody(greenMail.getReceivedMessages()[0]);
		assertThat(received).isEqualTo(".one dot\r\n..two dots\r\n.\r\nlast line without break");
	}

	@Test
	void transcriptLeavesTheBodyOut() throws Exception {
		try (SmtpConnection connection = client.connect("127.0.0.1", port())) {
			TransactionResult result = connection.send(new Envelope("s@example.com", "r@example.com"),
					message("Secret", "the body is private\r\n"));
			assertThat(result.transcript()).contains("C: MAIL FROM:<s@example.com>")
				.contains("C: RCPT TO:<r@example.com>")
				.containsPattern("C: <message body, \\d+ bytes>")
				.doesNotContain("the body is private");
		}
	}

	@Test
	void reusesOneSessionForSeveralTransactions() throws Exception {
		try (SmtpConnection connection = client.connect("127.0.0.1", port())) {
			for (int i = 0; i < 3; i++) {
				TransactionResult result = connection.send(new Envelope("s@example.com", "r" + i + "@example.com"),
						message("n" + i, "body\r\n"));
				assertThat(result.data().code()).isEqualTo(250);
			}
			assertThat(connection.probe()).isTrue();
			assertThat(connection.transactionCount()).isEqualTo(3);
		}
		assertThat(greenMail.getReceivedMessages()).hasSize(3);
	}

	@Test
	void refusedConnectionIsAConnectFailure() throws Exception {
		int port = port();
		greenMail.stop();
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.connect("127.0.0.1", port))
			.isInstanceOfSatisfying(SmtpException.class, ex -> assertThat(ex.kind()).isEqualTo(SmtpException.Kind.CONNECT));
	}

	static byte[] message(String subject, String body) {
		String text = "From: s@example.com\r\nTo: r@example.com\r\nSubject: " + subject
				+ "\r\nMessage-ID: <" + subject.hashCode() + "@example.com>\r\n\r\n" + body;
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
