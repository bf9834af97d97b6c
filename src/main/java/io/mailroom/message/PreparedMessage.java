package io.mailroom.message;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.mailroom.security.Caller;
import io.mailroom.template.RenderedTemplate;

/**
 * A validated, rendered and composed message, ready to be stored. Nothing of it is in the database
 * yet. {@code textUtf8} and {@code htmlUtf8} are the rendered bodies as UTF-8, encoded once for the
 * MIME and the store.
 */
record PreparedMessage(UUID id, Caller caller, RenderedTemplate rendered, String locale, String category,
		EmailAddress from, String fromName, String replyTo, String subject, byte[] mime, String messageIdHeader,
		List<Recipient> recipients, List<String> tags, Map<String, String> metadata, Priority priority,
		Instant sendAt, Instant createdAt, byte[] textUtf8, byte[] htmlUtf8) {

	record Recipient(UUID id, int seq, String kind, EmailAddress address, String name) {
	}

	String publicId() {
		return Messages.publicId(id);
	}

}
