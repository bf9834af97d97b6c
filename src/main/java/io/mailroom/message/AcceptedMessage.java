package io.mailroom.message;

import java.time.Instant;
import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/** The answer to an accepted message (SPEC §2: {@code 202 Accepted}). */
@Schema(description = "An accepted message")
public record AcceptedMessage(@Schema(example = "msg_019ac6d47b2a70008000000000000001") String id,
		@Schema(example = "queued", description = "the least advanced recipient status") String status,
		List<Recipient> recipients, Instant createdAt) {

	@Schema(name = "AcceptedRecipient")
	public record Recipient(@Schema(example = "ana@example.com") String email,
			@Schema(example = "queued", allowableValues = { "scheduled", "queued", "suppressed" }) String status) {
	}

}
