package io.mailroom.webhook;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

/** Request and response bodies of the {@code /webhooks} API. */
final class WebhookViews {

	private WebhookViews() {
	}

	/**
	 * {@code POST /webhooks} and {@code PATCH /webhooks/{id}}; on PATCH, absent fields stay as they are.
	 */
	@Schema(description = "A webhook endpoint to create, or the fields of one to change")
	record EndpointRequest(@Schema(example = "https://shop.example.com/hooks/mailroom") String url,
			@Schema(description = "event types to receive; [\"*\"] or absent (on create) for all",
					example = "[\"message.delivered\", \"message.bounced\"]") List<String> events,
			@Schema(example = "order system") String description,
			@Schema(description = "false pauses deliveries; true re-enables a disabled endpoint") Boolean enabled) {
	}

	/**
	 * An endpoint as the API shows it. {@code secret} is only present in the responses of create
	 * and rotate.
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Endpoint(String id, String url, String description, List<String> events, boolean enabled,
			String disabledReason, Instant disabledAt, Instant failingSince,
			@Schema(description = "until when the secret before the last rotation still signs") Instant previousSecretExpiresAt,
			Instant createdAt, Instant updatedAt,
			@Schema(description = "the signing secret; shown only when created or rotated") String secret) {

		static Endpoint of(WebhookEndpoint e, String secret, Instant now) {
			boolean previousValid = e.previousSecretUntil() != null && now.isBefore(e.previousSecretUntil());
			return new Endpoint(e.publicId(), e.url(), e.description(),
					e.eventTypes() == null ? List.of(WebhookEvents.ALL) : e.eventTypes(), e.enabled(),
					e.disabledReason(), e.disabledAt(), e.failingSince(),
					previousValid ? e.previousSecretUntil() : null, e.createdAt(), e.updatedAt(), secret);
		}

	}

	/**
	 * One event on its way to one endpoint, with every attempt made.
	 *
	 * @param eventId equals the {@code webhook-id} header of its requests
	 * @param status {@code pending} (waiting for its first or next attempt), {@code sending},
	 * {@code delivered}, {@code failed} (gave up)
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Delivery(String id, String eventId, String eventType, String messageId, String status, int attemptCount,
			Instant nextAttemptAt, Integer lastStatusCode, String lastError, String replayOf, Instant createdAt,
			Instant completedAt, List<Attempt> attempts) {
	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Attempt(int attempt, Instant startedAt, long durationMs, Integer statusCode, String error,
			@Schema(description = "the first 1 KB of the response body") String responseBody) {
	}

	/** A page of a keyset-paginated list; {@code nextCursor} is absent on the last page. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Page<T>(List<T> items, String nextCursor) {
	}

}
