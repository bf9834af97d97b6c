package io.mailroom.delivery;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.Payloads;
import io.mailroom.support.ScriptedSmtpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Messages from a domain with a configured key leave DKIM-signed, the signature covering the
 * per-recipient List-Unsubscribe headers, and verify with an independent verifier (dkimpy).
 */
@MailroomTest
class DkimDeliveryTests {

	static final ScriptedSmtpServer smtp = new ScriptedSmtpServer().start();

	static final KeyPair keys = keys();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("mailroom.delivery.enabled", () -> "true");
		registry.add("mailroom.relay.port", smtp::port);
		registry.add("mailroom.dkim.example.com.selector", () -> "mail2026");
		registry.add("mailroom.dkim.example.com.private-key", () -> "-----BEGIN PRIVATE KEY-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPrivate().getEncoded())
				+ "\n-----END PRIVATE KEY-----\n");
	}

	@AfterAll
	static void stop() {
		smtp.close();
	}

	@LocalServerPort
	int port;

	@Test
	void promotionalMessageIsSignedOverItsUnsubscribeHeadersAndVerifies() throws Exception {
		String body = Payloads.orderConfirmation("signed@example.net").replaceFirst("\\{", "{\"category\": \"marketing\", ");
		assertThat(new Api(port).post("/messages", body).status()).isEqualTo(202);
		await().atMost(Duration.ofSeconds(60))
			.until(() -> smtp.received().stream().anyMatch(r -> r.recipient().equals("signed@example.net")));
		byte[] received = smtp.received()
			.stream()
			.filter(r -> r.recipient().equals("signed@example.net"))
			.findFirst()
			.orElseThrow()
			.data();
		String text = new String(received, StandardCharsets.UTF_8);
		assertThat(text).contains("\nDKIM-Signature:").contains("d=example.com").contains("s=mail2026");
		java.util.regex.Matcher signed = java.util.regex.Pattern.compile("\\bh=([^;]+);").matcher(text);
		assertThat(signed.find()).isTrue();
		assertThat(signed.group(1).replaceAll("\\s", "").toLowerCase()).contains("list-unsubscribe");
		assertThat(verify(received)).isEqualTo("signature ok");
	}

	private static String verify(byte[] message) throws Exception {
		Path record = Files.createTempFile("dkim", ".txt");
		Files.writeString(record, "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()));
		Path script = Path.of(DkimDeliveryTests.class.getResource("/dkim/verify.py").toURI());
		Process process = new ProcessBuilder("/usr/bin/python3", script.toString(), "mail2026", "example.com",
				record.toString())
			.redirectErrorStream(true)
			.start();
		process.getOutputStream().write(message);
		process.getOutputStream().close();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		return output;
	}

	private static KeyPair keys() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			return generator.generateKeyPair();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
