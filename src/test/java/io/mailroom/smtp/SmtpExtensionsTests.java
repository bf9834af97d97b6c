package io.mailroom.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.mailroom.smtp.SmtpException.Kind;

/** SIZE, 8BITMIME, SMTPUTF8 and the line limit, against aiosmtpd and smtp-sink. */
class SmtpExtensionsTests {

	private final SmtpClient client = new SmtpClient(SmtpClientSettings.defaults("client.test")
		.withTlsMode(TlsMode.NONE)
		.withTimeouts(SmtpTimeouts.uniform(Duration.ofSeconds(10))));

	private static final Envelope ENVELOPE = new Envelope("s@example.com", "r@example.com");

	@Test
	void announcesTheMessageSizeInMailFrom() throws Exception {
		byte[] message = SmtpConnectionTests.message("size", "line one\nline two\n");
		try (Aiosmtpd server = Aiosmtpd.start(5_000, false);
				SmtpConnection connection = client.connect("127.0.0.1", server.port())) {
			assertThat(connection.sizeLimit()).isEqualTo(5_000);
			assertThat(connection.send(ENVELOPE, message).data().code()).isEqualTo(250);

			Aiosmtpd.Received received = server.nextMessage();
			// the size is counted after LF became CRLF, as the server will count it
			assertThat(received.mailParameters()).contains("SIZE=" + received.data().length);
		}
	}

	@Test
	void messageAboveTheServersLimitIsRefusedLocallyWithoutSendingIt() throws Exception {
		byte[] big = SmtpConnectionTests.message("big", "x".repeat(900) + "\r\n".repeat(1) + "y\r\n".repeat(2_000));
		try (Aiosmtpd server = Aiosmtpd.start(5_000, false);
				SmtpConnection connection = client.connect("127.0.0.1", server.port())) {
			assertThatThrownBy(() -> connection.send(ENVELOPE, big)).isInstanceOfSatisfying(SmtpException.class, ex -> {
				assertThat(ex.kind()).isEqualTo(Kind.PERMANENT);
				assertThat(ex.reply().code()).isEqualTo(552);
				assertThat(ex.reply().enhancedCode()).isEqualTo("5.3.4");
				assertThat(ex.isTransient()).isFalse();
				assertThat(ex.transcript()).doesNotContain("MAIL FROM");
			});
			// nothing went on the wire, so the session is still good for the next message
			assertThat(connection.isOpen()).isTrue();
			assertThat(connection.send(ENVELOPE, SmtpConnectionTests.message("small", "ok\r\n")).data().code())
				.isEqualTo(250);
			assertThat(server.nextMessage().data()).asString().contains("Subject: small");
			assertThat(server.receivedNothing()).isTrue();
		}
	}

	@Test
	void internationalisedAddressesUseSmtpUtf8() throws Exception {
		Envelope envelope = new Envelope("expéditeur@exemple.fr", "josé@exämple.com");
		byte[] message = ("From: expéditeur@exemple.fr\r\nTo: josé@exämple.com\r\nSubject: Grüße\r\n\r\nÇa va ?\r\n")
			.getBytes(StandardCharsets.UTF_8);
		try (Aiosmtpd server = Aiosmtpd.start(1_000_000, true);
				SmtpConnection connection = client.connect("127.0.0.1", server.port())) {
			assertThat(connection.extensions()).contains("SMTPUTF8");
			assertThat(connection.send(envelope, message).data().code()).isEqualTo(250);

			Aiosmtpd.Received received = server.nextMessage();
			assertThat(received.mailFrom()).isEqualTo("expéditeur@exemple.fr");
			assertThat(received.recipients()).containsExactly("josé@exämple.com");
			assertThat(received.mailParameters()).contains("SMTPUTF8");
			assertThat(received.data()).isEqualTo(message);
		}
	}

	@Test
	void internationalisedAddressWithoutSmtpUtf8FailsPermanently() throws Exception {
		try (Aiosmtpd server = Aiosmtpd.start(1_000_000, false);
				SmtpConnection connection = client.connect("127.0.0.1", server.port())) {
			assertThatThrownBy(() -> connection.send(new Envelope("s@example.com", "josé@exämple.com"),
					SmtpConnectionTests.message("x", "x\r\n")))
				.isInstanceOfSatisfying(SmtpException.class, ex -> {
					assertThat(ex.kind()).isEqualTo(Kind.PERMANENT);
					assertThat(ex.reply().enhancedCode()).isEqualTo("5.6.7");
					assertThat(ex.getMessage()).contains("SMTPUTF8");
				});
			assertThat(server.receivedNothing()).isTrue();
		}
	}

	@Test
	void utf8HeadersWithoutSmtpUtf8FailPermanently() throws Exception {
		byte[] message = "Subject: Grüße\r\n\r\nplain\r\n".getBytes(StandardCharsets.UTF_8);
		try (Aiosmtpd server = Aiosmtpd.start(1_000_000, false);
				SmtpConnection connection = client.connect("127.0.0.1", server.port())) {
			assertThatThrownBy(() -> connection.send(ENVELOPE, message))
				.isInstanceOfSatisfying(SmtpException.class, ex -> assertThat(ex.reply().enhancedCode()).isEqualTo("5.6.9"));
		}
	}

	@Test
	void eightBitBodyIsDeclaredWithBody8BitMime() throws Exception {
		byte[] message = "Subject: x\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße\r\n"
			.getBytes(StandardCharsets.UTF_8);
		try (Aiosmtpd server = Aiosmtpd.start(1_000_000, false);
				SmtpConnection connection = client.connect("127.0.0.1", server.port())) {
			assertThat(connection.send(ENVELOPE, message).data().code()).isEqualTo(250);
			Aiosmtpd.Received received = server.nextMessage();
			assertThat(received.mailParameters()).contains("BODY=8BITMIME");
			assertThat(received.data()).isEqualTo(message);
		}
	}

	@Test
	void eightBitBodyToAServerWithout8BitMimeFailsPermanently() throws Exception {
		byte[] message = "Subject: x\r\n\r\nGrüße\r\n".getBytes(StandardCharsets.UTF_8);
		try (SmtpSink sink = SmtpSink.start("-8"); SmtpConnection connection = client.connect("127.0.0.1", sink.port())) {
			assertThat(connection.extensions()).doesNotContain("8BITMIME");
			assertThatThrownBy(() -> connection.send(ENVELOPE, message))
				.isInstanceOfSatisfying(SmtpException.class, ex -> {
					assertThat(ex.kind()).isEqualTo(Kind.PERMANENT);
					assertThat(ex.reply().enhancedCode()).isEqualTo("5.6.3");
					assertThat(ex.getMessage()).contains("8BITMIME");
				});
		}
	}

	@Test
	void lineLongerThan998OctetsIsRefusedBeforeSending() throws Exception {
		byte[] ok = SmtpConnectionTests.message("ok", "x".repeat(998) + "\r\n");
		byte[] tooLong = SmtpConnectionTests.message("long", "x".repeat(999) + "\r\n");
		try (SmtpSink sink = SmtpSink.start(); SmtpConnection connection = client.connect("127.0.0.1", sink.port())) {
			assertThatThrownBy(() -> connection.send(ENVELOPE, tooLong))
				.isInstanceOfSatisfying(SmtpException.class, ex -> {
					assertThat(ex.kind()).isEqualTo(Kind.PERMANENT);
					assertThat(ex.getMessage()).contains("999 octets");
				});
			assertThat(connection.send(ENVELOPE, ok).data().code()).isEqualTo(250);
		}
	}

}
