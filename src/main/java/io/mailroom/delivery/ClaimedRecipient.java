package io.mailroom.delivery;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A recipient this instance holds a lease on, with what is needed to send it and report on it. */
public record ClaimedRecipient(UUID id, UUID messageId, String email, String domain, int attempts, int priority,
		Instant acceptedAt, boolean test, String fromEmail, byte[] mime, String template, List<String> tags,
		Map<String, String> metadata, String category) {

	public boolean marketing() {
		return "marketing".equals(category);
	}

	/** Octets of MIME this recipient holds in memory (none once its result waits without it). */
	public long size() {
		return mime == null ? 0 : mime.length;
	}

	public ClaimedRecipient withMime(byte[] message) {
		return new ClaimedRecipient(id, messageId, email, domain, attempts, priority, acceptedAt, test, fromEmail,
				message, template, tags, metadata, category);
	}

}
