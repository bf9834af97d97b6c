package io.mailroom.delivery;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import io.mailroom.smtp.dkim.DkimSigner;
import io.mailroom.support.MutableClock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** DKIM keys per sender domain from configuration, in every form Spring lets an operator write them. */
class DkimSignersTests {

	static String pem;

	static String otherPem;

	final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));

	@BeforeAll
	static void keys() throws Exception {
		pem = pkcs8Pem(2048);
		otherPem = pkcs8Pem(2048);
	}

	@Test
	void keysAreReadForDomainsWrittenWithDots() {
		DkimProperties properties = DkimProperties.from(environment(Map.of(
				"mailroom.dkim.example.com.selector", "s2026",
				"mailroom.dkim.example.com.private-key", pem)));

		assertThat(properties.keys()).containsOnlyKeys("example.com");
		assertThat(properties.keys().get("example.com").selector()).isEqualTo("s2026");
		assertThat(properties.keys().get("example.com").privateKey()).isEqualTo(pem);
		assertThat(properties.keys().get("example.com").toString()).doesNotContain("PRIVATE KEY");
	}

	@Test
	void keysAreReadInTheBracketFormAndFromEnvironmentVariables() {
		StandardEnvironment environment = environment(Map.of("mailroom.dkim[Mail.Example.ORG].selector", "brackets",
				"mailroom.dkim[Mail.Example.ORG].private-key", pem));
		Map<String, Object> variables = new HashMap<>();
		variables.put("MAILROOM_DKIM_SHOP_EXAMPLE_NET_SELECTOR", "env");
		variables.put("MAILROOM_DKIM_SHOP_EXAMPLE_NET_PRIVATE_KEY", otherPem);
		variables.put("MAILROOM_DKIM_NEWS_EXAMPLE_NET_SELECTOR", "env2");
		variables.put("MAILROOM_DKIM_NEWS_EXAMPLE_NET_PRIVATEKEY", otherPem);
		environment.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					variables));

		DkimProperties properties = DkimProperties.from(environment);

		assertThat(properties.keys()).containsOnlyKeys("mail.example.org", "shop.example.net", "news.example.net");
		assertThat(properties.keys().get("mail.example.org").selector()).isEqualTo("brackets");
		assertThat(properties.keys().get("shop.example.net").selector()).isEqualTo("env");
		assertThat(properties.keys().get("shop.example.net").privateKey()).isEqualTo(otherPem);
		assertThat(properties.keys().get("news.example.net").selector()).isEqualTo("env2");
	}

	@Test
	void aDomainWithASelectorButNoKeyStopsTheStart() {
		assertThatThrownBy(() -> DkimProperties.from(environment(Map.of("mailroom.dkim.example.com.selector", "s1"))))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("example.com")
			.hasMessageContaining(".private-key");
	}

	@Test
	void aKeyThatIsNotPkcs8StopsTheStartWithTheDomainInTheMessage() {
		DkimProperties properties = DkimProperties.from(environment(Map.of("mailroom.dkim.example.com.selector", "s1",
				"mailroom.dkim.example.com.private-key", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----")));

		assertThatThrownBy(() -> new DkimSigners(properties, clock)).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("mailroom.dkim.example.com")
			.hasMessageContaining("openssl pkcs8");
	}

	@Test
	void theSignerIsFoundByTheSenderDomainWhateverItsCase() {
		DkimSigners signers = new DkimSigners(DkimProperties.from(environment(Map.of(
				"mailroom.dkim.example.com.selector", "s2026", "mailroom.dkim.example.com.private-key", pem,
				"mailroom.dkim[bücher.example].selector", "idn", "mailroom.dkim[bücher.example].private-key", otherPem))),
				clock);

		DkimSigner signer = signers.forDomain("Example.COM").orElseThrow();
		assertThat(signer.domain()).isEqualTo("example.com");
		assertThat(signer.selector()).isEqualTo("s2026");
		assertThat(signers.forDomain("xn--bcher-kva.example")).get().extracting(DkimSigner::selector).isEqualTo("idn");
		assertThat(signers.forDomain("BÜCHER.example")).get().extracting(DkimSigner::selector).isEqualTo("idn");
		assertThat(signers.forDomain("other.example")).isEmpty();
		assertThat(signers.forDomain(null)).isEmpty();

		String signed = new String(signer.sign("From: a@example.com\r\nTo: b@example.org\r\nSubject: hi\r\n\r\nHello.\r\n"
			.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
		assertThat(signed).startsWith("DKIM-Signature:").contains("d=example.com").contains("s=s2026");
	}

	@Test
	void withoutKeysNothingIsSigned() {
		DkimSigners signers = new DkimSigners(DkimProperties.from(environment(Map.of())), clock);

		assertThat(signers.forDomain("example.com")).isEmpty();
	}

	private static StandardEnvironment environment(Map<String, Object> properties) {
		StandardEnvironment environment = new StandardEnvironment();
		// only what the test gives: the machine's own variables must not leak in
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
		environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
		return environment;
	}

	private static String pkcs8Pem(int bits) throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(bits);
		KeyPair pair = generator.generateKeyPair();
		return "-----BEGIN PRIVATE KEY-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded())
				+ "\n-----END PRIVATE KEY-----\n";
	}

}
