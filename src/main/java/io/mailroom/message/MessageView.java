package io.mailroom.message;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

/** {@code GET /messages/{id}}: the message, its recipients, attempts and timeline. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Message", description = "A message with its recipients, delivery attempts and event timeline")
public record MessageView(String id, String status, String template, int templateVersion, String locale,
		String category, String from, String subject, String messageIdHeader, List<String> tags,
		Map<String, Object> metadata, String priority, Instant sendAt, boolean test, Instant createdAt,
		List<Recipient> recipients, List<Attempt> attempts, List<Event> events) {

	@JsonInclude(JsonInclude.Include.NON_NULL)
	@Schema(name = "MessageRecipient")
	public record Recipient(String email, String name, String kind, String status, int attempts, Instant nextAttemptAt,
			Reply lastReply, Bounce bounce, Instant finalAt) {
	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	@Schema(name = "SmtpReply", description = "The last SMTP reply for a recipient")
	public record Reply(Integer code, String enhancedCode, String text) {
	}

	@Schema(name = "BounceVerdict")
	public record Bounce(String kind, String category) {
	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	@Schema(name = "DeliveryAttempt", description = "One SMTP attempt; the transcript has AUTH data redacted")
	public record Attempt(String recipient, int attempt, Instant startedAt, long durationMs, String host,
			Integer replyCode, String enhancedCode, String text, String outcome, String transcript) {
	}

	@Schema(name = "MessageEvent", description = "A timeline event, as delivered to webhooks")
	public record Event(String id, String type, String recipient, Instant occurredAt, Map<String, Object> data) {
	}

	/** {@code GET /messages/{id}/content}. */
	@Schema(name = "MessageContent")
	public record Content(String id, String subject, String text, String html) {
	}

}
