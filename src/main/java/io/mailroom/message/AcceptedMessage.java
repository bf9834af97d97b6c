package io.mailroom.message;

import java.time.Instant;
import java.util.List;

/** The answer to an accepted message (SPEC §2: {@code 202 Accepted}). */
public record AcceptedMessage(String id, String status, List<Recipient> recipients, Instant createdAt) {

	public record Recipient(String email, String status) {
	}

}
