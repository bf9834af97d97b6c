package io.mailroom.webhook;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Our signatures checked with the Standard Webhooks reference verifier, not with our own code. */
class WebhookSignatureTests {

	private static final String BODY = "{\"type\":\"message.delivered\",\"timestamp\":\"2026-11-28T10:15:00Z\",\"data\":{\"messageId\":\"msg_1\",\"recipient\":\"zoë@exämple.com\"}}";

	@Test
	void newSecretIsWhsecAndThirtyTwoRandomBytes() {
		String secret = WebhookSignature.newSecret();
		assertThat(secret).startsWith("whsec_");
		assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
		assertThat(WebhookSignature.newSecret()).isNotEqualTo(secret);
	}

	@Test
	void signatureVerifiesWithTheReferenceVerifier() {
		String secret = WebhookSignature.newSecret();
		long now = Instant.now().getEpochSecond();
		Map<String, List<String>> headers = headers("evt_1", now,
				WebhookSignature.header("evt_1", now, BODY, List.of(secret)));
		assertThatCode(() -> new Webhook(secret).verify(BODY, headers)).doesNotThrowAnyException();
	}

	@Test
	void headerWithTwoSecretsVerifiesWithEitherAndNotWithAThird() {
		String current = WebhookSignature.newSecret();
		String previous = WebhookSignature.newSecret();
		long now = Instant.now().getEpochSecond();
		String signature = WebhookSignature.header("evt_2", now, BODY, List.of(current, previous));
		assertThat(signature.split(" ")).hasSize(2).allMatch(s -> s.startsWith("v1,"));
		Map<String, List<String>> headers = headers("evt_2", now, signature);
		assertThatCode(() -> new Webhook(current).verify(BODY, headers)).doesNotThrowAnyException();
		assertThatCode(() -> new Webhook(previous).verify(BODY, headers)).doesNotThrowAnyException();
		assertThatThrownBy(() -> new Webhook(WebhookSignature.newSecret()).verify(BODY, headers))
			.isInstanceOf(WebhookVerificationException.class);
	}

	@Test
	void changedBodyOrIdDoesNotVerify() {
		String secret = WebhookSignature.newSecret();
		long now = Instant.now().getEpochSecond();
		String signature = WebhookSignature.header("evt_3", now, BODY, List.of(secret));
		assertThatThrownBy(() -> new Webhook(secret).verify(BODY.replace("delivered", "bounced"),
				headers("evt_3", now, signature)))
			.isInstanceOf(WebhookVerificationException.class);
		assertThatThrownBy(() -> new Webhook(secret).verify(BODY, headers("evt_4", now, signature)))
			.isInstanceOf(WebhookVerificationException.class);
	}

	@Test
	void previousSecretSignsOnlyUntilItsOverlapEnds() {
		Instant until = Instant.parse("2026-11-29T10:00:00Z");
		assertThat(WebhookEndpoint.signingSecrets("whsec_new", "whsec_old", until, until.minusSeconds(1)))
			.containsExactly("whsec_new", "whsec_old");
		assertThat(WebhookEndpoint.signingSecrets("whsec_new", "whsec_old", until, until)).containsExactly("whsec_new");
		assertThat(WebhookEndpoint.signingSecrets("whsec_new", null, null, until)).containsExactly("whsec_new");
	}

	private static Map<String, List<String>> headers(String id, long timestamp, String signature) {
		return Map.of("webhook-id", List.of(id), "webhook-timestamp", List.of(Long.toString(timestamp)),
				"webhook-signature", List.of(signature));
	}

}
