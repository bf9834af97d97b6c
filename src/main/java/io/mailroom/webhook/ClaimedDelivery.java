package io.mailroom.webhook;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.mailroom.common.Ids;

/**
 * A delivery this instance holds the lease on, with everything needed to send it.
 *
 * @param originalId the delivery this one replays, else its own id
 * @param eventId the message_event it carries; null for {@code webhook.test}
 * @param data the event's {@code data} as stored (JSON); null for {@code webhook.test}
 * @param attempts attempts made before this one
 */
record ClaimedDelivery(UUID id, UUID originalId, UUID endpointId, String url, UUID eventId, String eventType,
		Instant occurredAt, int attempts, String data, String secret, String previousSecret,
		Instant previousSecretUntil) {

	/**
	 * The {@code webhook-id} header: the event's id (as in the message timeline), the same on every
	 * retry and replay, so receivers can drop duplicates (Standard Webhooks "idempotency").
	 */
	String webhookId() {
		return Ids.format("evt", eventId != null ? eventId : originalId);
	}

	List<String> signingSecrets(Instant now) {
		return WebhookEndpoint.signingSecrets(secret, previousSecret, previousSecretUntil, now);
	}

}
