package io.mailroom.message;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code GET /messages/{id}}: the message, its recipients, attempts and timeline. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MessageView(String id, String status, String template, int templateVersion, String locale,
		String category, String from, String subject, String messageIdHeader, List<String> tags,
		Map<String, Object> metadata, String priority, Instant sendAt, boolean test, Instant createdAt,
		List<Recipient> recipients, List<Attempt> attempts, List<Event> events) {

	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Recipient(String email, String name, String kind, String status, int attempts, Instant nextAttemptAt,
			Reply lastReply, Bounce bounce, Instant finalAt) {
	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Reply(Integer code, String enhancedCode, String text) {
	}

	public record Bounce(String kind, String category) {
	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Attempt(String recipient, int attempt, Instant startedAt, long durationMs, String host,
			Integer replyCode, String enhancedCode, String text, String outcome, String transcript) {
	}

	public record Event(String id, String type, String recipient, Instant occurredAt, Map<String, Object> data) {
	}

	/** {@code GET /messages/{id}/content}. */
	public record Content(String id, String subject, String text, String html) {
	}

}
