package io.mailroom.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks v1 signing: {@code webhook-signature} carries {@code v1,<base64 HMAC-SHA256>}
 * over {@code "{webhook-id}.{webhook-timestamp}.{body}"}, keyed with the base64-decoded part of
 * the {@code whsec_…} secret. While a rotated-out secret is still valid the header carries one
 * space-separated {@code v1,} entry per secret, so receivers holding either one verify.
 */
final class WebhookSignature {

	static final String SECRET_PREFIX = "whsec_";

	/** RFC 2104 §3: a key shorter than the hash output (32 bytes for SHA-256) weakens the MAC. */
	private static final int SECRET_BYTES = 32;

	private static final SecureRandom RANDOM = new SecureRandom();

	private WebhookSignature() {
	}

	static String newSecret() {
		byte[] key = new byte[SECRET_BYTES];
		RANDOM.nextBytes(key);
		return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
	}

	/** The {@code webhook-signature} header value: one entry per secret, in the order given. */
	static String header(String webhookId, long timestamp, String body, List<String> secrets) {
		return secrets.stream().map(secret -> "v1," + sign(webhookId, timestamp, body, secret))
			.collect(Collectors.joining(" "));
	}

	static String sign(String webhookId, long timestamp, String body, String secret) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key(secret), "HmacSHA256"));
			byte[] digest = mac.doFinal((webhookId + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
			return Base64.getEncoder().encodeToString(digest);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	private static byte[] key(String secret) {
		if (!secret.startsWith(SECRET_PREFIX)) {
			throw new IllegalArgumentException("not a whsec_ secret");
		}
		return Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
	}

}
