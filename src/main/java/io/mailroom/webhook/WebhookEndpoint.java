package io.mailroom.webhook;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.mailroom.common.Ids;

/**
 * A receiver of webhooks: a URL, the event types it subscribes to, and its signing secrets.
 *
 * @param eventTypes the subscribed types, or null for every type
 * @param previousSecret the secret before the last rotation, still signing until
 * {@code previousSecretUntil}
 * @param failingSince when the current run of failed attempts began; null after a success
 */
record WebhookEndpoint(UUID id, String url, String description, List<String> eventTypes, boolean enabled,
		String disabledReason, Instant disabledAt, String secret, String previousSecret, Instant previousSecretUntil,
		Instant failingSince, Instant createdAt, Instant updatedAt) {

	static final String ID_PREFIX = "wh";

	String publicId() {
		return Ids.format(ID_PREFIX, id);
	}

	/** The secrets that sign a request sent at {@code now}: the current one first. */
	List<String> signingSecrets(Instant now) {
		return signingSecrets(secret, previousSecret, previousSecretUntil, now);
	}

	static List<String> signingSecrets(String secret, String previousSecret, Instant previousSecretUntil,
			Instant now) {
		List<String> secrets = new ArrayList<>(2);
		secrets.add(secret);
		if (previousSecret != null && previousSecretUntil != null && now.isBefore(previousSecretUntil)) {
			secrets.add(previousSecret);
		}
		return secrets;
	}

}
