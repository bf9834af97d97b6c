package io.mailroom.message;

import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The text parts' transfer encoding, chosen without Jakarta Mail's byte-by-byte check, and that they round-trip. */
class MimeComposerTests {

	private final MimeComposer composer = new MimeComposer(Clock.systemUTC());

	@Test
	void asciiInShortLinesIs7bit() {
		assertThat(MimeComposer.transferEncoding("Hello Ana,\r\nyour order A-1001 is on its way.\n")).isEqualTo("7bit");
	}

	@Test
	void mostlyAsciiTextOrLongLinesAreQuotedPrintable() {
		assertThat(MimeComposer.transferEncoding("Grüße aus Lisboa, Ana")).isEqualTo("quoted-printable");
		assertThat(MimeComposer.transferEncoding("x".repeat(1200))).isEqualTo("quoted-printable");
	}

	@Test
	void mostlyNonAsciiTextIsBase64() {
		assertThat(MimeComposer.transferEncoding("ご注文ありがとうございます")).isEqualTo("base64");
	}

	@Test
	void everyKindOfTextArrivesUnchanged() throws Exception {
		for (String text : List.of("plain ascii\nsecond line\n", "Grüße, Ana – €63.21\n", "ご注文ありがとうございます\n",
				"a very long line " + "y".repeat(2000) + "\nend\n")) {
			String html = "<p>" + text + "</p>";
			byte[] mime = composer.compose(new MimeComposer.Composition("<1@example.com>",
					MimeComposer.address("shop@example.com", "Shop"), List.of(MimeComposer.address("ana@example.com", null)),
					List.of(), null, "Subject", text, html, Map.of(), List.of(), null, null));
			MimeMessage parsed = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(mime));
			Multipart parts = (Multipart) parsed.getContent();
			MimeBodyPart plain = (MimeBodyPart) parts.getBodyPart(0);
			assertThat(plain.getEncoding()).isEqualTo(MimeComposer.transferEncoding(text));
			assertThat(((String) plain.getContent()).replace("\r\n", "\n")).isEqualTo(text);
			assertThat(((String) parts.getBodyPart(1).getContent()).replace("\r\n", "\n")).isEqualTo(html);
			assertThat(new String(mime, java.nio.charset.StandardCharsets.ISO_8859_1).lines())
				.allMatch(line -> line.length() <= 998);
		}
	}

}
