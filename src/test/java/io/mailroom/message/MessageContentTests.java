package io.mailroom.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.Payloads;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import tools.jackson.databind.JsonNode;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * {@code GET /messages/{id}/content}: the stored HTML and text are the rendered bodies, character
 * for character, and the same as the parts of the stored MIME — also for text beyond Latin-1 (the
 * bodies are encoded to UTF-8 once, for the MIME and the store).
 */
@MailroomTest
class MessageContentTests {

	private static final String SUMMARY = "Zoë Ægir — 李 € 𝄞 at 03:00";

	@LocalServerPort
	int port;

	Api api;

	@BeforeEach
	void setUp() {
		api = new Api(port);
	}

	@Test
	void storedBodiesAreTheRenderedTextAndTheMimePartsBeyondLatin1() throws Exception {
		Api.Response accepted = api.post("/messages", Payloads.alert("content@example.com", SUMMARY));
		assertThat(accepted.status()).isEqualTo(202);
		String id = accepted.json().get("id").asString();

		JsonNode content = api.get("/messages/" + id + "/content").json();
		String html = content.get("html").asString();
		String text = content.get("text").asString();
		assertThat(html).contains(SUMMARY);
		assertThat(text).contains(SUMMARY);

		Api.Response raw = api.get("/messages/" + id + "/content?format=raw");
		assertThat(raw.status()).isEqualTo(200);
		MimeMessage mime = new MimeMessage(Session.getInstance(new Properties()),
				new ByteArrayInputStream(raw.body().getBytes(StandardCharsets.ISO_8859_1)));
		Map<String, String> parts = new HashMap<>();
		collect(mime, parts);
		assertThat(lf(parts.get("text/html"))).isEqualTo(lf(html));
		assertThat(lf(parts.get("text/plain"))).isEqualTo(lf(text));
	}

	private static void collect(Part part, Map<String, String> parts) throws Exception {
		if (part.isMimeType("multipart/*")) {
			Multipart multipart = (Multipart) part.getContent();
			for (int i = 0; i < multipart.getCount(); i++) {
				collect(multipart.getBodyPart(i), parts);
			}
		}
		else if (part.isMimeType("text/html") || part.isMimeType("text/plain")) {
			parts.put(part.isMimeType("text/html") ? "text/html" : "text/plain", (String) part.getContent());
		}
	}

	/** Line breaks as LF: on the wire they are CRLF. */
	private static String lf(String s) {
		return s == null ? null : s.replace("\r\n", "\n");
	}

}
