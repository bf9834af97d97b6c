package io.mailroom.smtp.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signatures checked by an independent verifier: dkimpy, the library of Debian's dkimverify. */
class DkimSignerTests {

	private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-15T10:00:00Z"), ZoneOffset.UTC);

	private static KeyPair keys;

	private static DkimSigner signer;

	@TempDir
	static Path dir;

	private static Path dnsRecord;

	@BeforeAll
	static void keys() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		keys = generator.generateKeyPair();
		String pem = "-----BEGIN PRIVATE KEY-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPrivate().getEncoded())
				+ "\n-----END PRIVATE KEY-----\n";
		signer = DkimSigner.fromPem("example.com", "mail2025", pem, CLOCK);
		dnsRecord = dir.resolve("txt");
		Files.writeString(dnsRecord,
				"v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()));
	}

	private static final String MESSAGE = """
			From: Mailroom <noreply@example.com>
			To: someone@example.org
			Subject:   A  folded
			 subject line\t
			Date: Wed, 15 Jan 2025 10:00:00 +0000
			Message-ID: <abc@example.com>
			MIME-Version: 1.0
			Content-Type: text/plain; charset=UTF-8
			Content-Transfer-Encoding: 8bit
			List-Unsubscribe: <https://example.com/u/1>, <mailto:u@example.com>
			List-Unsubscribe-Post: List-Unsubscribe=One-Click
			X-Not-Signed: whatever

			Grüße,  with   spaces \t
			.a line with a leading dot

			""";

	@Test
	void signedMessageVerifies() throws Exception {
		byte[] signed = signer.sign(MESSAGE.getBytes(StandardCharsets.UTF_8));

		assertThat(verify(signed)).isEqualTo("signature ok");
	}

	@Test
	void signatureCoversTheIdentifyingAndUnsubscribeFields() {
		String signed = new String(signer.sign(MESSAGE.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);

		assertThat(signed).startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=mail2025;")
			.contains("t=" + CLOCK.instant().getEpochSecond())
			.contains("h=from:from:to:subject:date:message-id:mime-version:content-type:content-transfer-encoding:"
					+ "list-unsubscribe:list-unsubscribe-post;")
			.doesNotContain("x-not-signed");
		// the header block keeps the 998-octet line limit
		assertThat(signed.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(998));
	}

	@Test
	void changedBodyFailsVerification() throws Exception {
		String signed = new String(signer.sign(MESSAGE.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
		String tampered = signed.replace("with   spaces", "with   changes");

		assertThat(verify(tampered.getBytes(StandardCharsets.UTF_8))).startsWith("signature invalid");
	}

	@Test
	void addedFromFailsVerification() throws Exception {
		String signed = new String(signer.sign(MESSAGE.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
		String tampered = signed.replace("To: someone", "From: attacker@evil.example\r\nTo: someone");

		assertThat(verify(tampered.getBytes(StandardCharsets.UTF_8))).startsWith("signature invalid");
	}

	@Test
	void relaxedCanonicalizationSurvivesWhitespaceChangesInTransit() throws Exception {
		String signed = new String(signer.sign(MESSAGE.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
		String rewrapped = signed.replace("Subject:   A  folded", "Subject: A folded").replace("spaces \t\r\n", "spaces\r\n");

		assertThat(verify(rewrapped.getBytes(StandardCharsets.UTF_8))).isEqualTo("signature ok");
	}

	@Test
	void messageWithEmptyBodyVerifies() throws Exception {
		byte[] signed = signer.sign("From: a@example.com\r\nSubject: empty\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
		assertThat(verify(signed)).isEqualTo("signature ok");
	}

	@Test
	void pkcs1KeysAreRefusedWithAHint() {
		assertThatThrownBy(() -> DkimSigner.fromPem("example.com", "s", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n", CLOCK))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("openssl pkcs8");
	}

	private static String verify(byte[] message) throws Exception {
		Path script = Path.of(DkimSignerTests.class.getResource("/dkim/verify.py").toURI());
		Process process = new ProcessBuilder("/usr/bin/python3", script.toString(), "mail2025", "example.com",
				dnsRecord.toString())
			.redirectErrorStream(true)
			.start();
		process.getOutputStream().write(message);
		process.getOutputStream().close();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		return output;
	}

}
