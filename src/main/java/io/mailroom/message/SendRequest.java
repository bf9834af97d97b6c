package io.mailroom.message;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;

/** The body of {@code POST /messages} (SPEC §2). */
@Schema(description = "A message to render from a template and send")
public record SendRequest(
		@Schema(example = "order-confirmation", description = "template name (built-in or stored)",
				requiredMode = Schema.RequiredMode.REQUIRED) String template,
		@Schema(description = "at least one; 1..50 recipients in to, cc and bcc together",
				requiredMode = Schema.RequiredMode.REQUIRED) List<Address> to,
		@Schema(description = "copy recipients, shown in the Cc header") List<Address> cc,
		@Schema(description = "blind copy recipients: delivered, never shown in any header") List<Address> bcc,
		@Schema(description = "sender; must be allowed by mailroom.sender.allowed; defaults to mailroom.sender.default") Address from,
		@Schema(example = "help@example.com") String replyTo,
		@Schema(description = "overrides the template's subject; at most 998 octets, no CR/LF") String subject,
		@Schema(example = "en", description = "picks the template's language; default en") String locale,
		@Schema(description = "the template's model") Map<String, Object> data,
		@Schema(description = "custom headers; no CR/LF/NUL, no reserved names (From, To, Cc, Bcc, Subject, Date, "
				+ "Message-ID, MIME-Version, Content-*, DKIM-Signature, Return-Path, Received, Sender, Reply-To, "
				+ "List-Unsubscribe*)", example = "{\"X-Campaign\": \"spring\"}") Map<String, String> headers,
		@Schema(description = "at most 10, each 1..64 characters; echoed in webhooks, searchable",
				example = "[\"checkout\"]") List<String> tags,
		@Schema(description = "at most 20 keys (1..64 characters), string values of at most 500 characters; echoed "
				+ "in webhooks, searchable as metadata.<key>=<value>", example = "{\"orderId\": \"A-1001\"}") Map<String, String> metadata,
		@Schema(description = "scheduled send: not before this time; at most 30 days ahead, at most a minute in the past",
				example = "2026-12-01T09:00:00Z") Instant sendAt,
		@Schema(allowableValues = { "high", "normal", "low" },
				description = "claim order; default normal, the template's default for alerts (high)") String priority,
		@Schema(allowableValues = { "transactional", "marketing" },
				description = "marketing adds List-Unsubscribe (RFC 8058); default transactional") String category,
		@Schema(description = "files and inline images; 7 MiB in total after decoding") List<Attachment> attachments) {

	@Schema(name = "Address", description = "An address (RFC 5321/6531, internationalised allowed) with an optional "
			+ "display name (no CR/LF)")
	public record Address(@Schema(example = "ana@example.com", requiredMode = Schema.RequiredMode.REQUIRED) String email,
			@Schema(example = "Ana Lima") String name) {
	}

	/**
	 * @param content base64-encoded bytes
	 * @param inline whether the part is an inline image referenced as {@code cid:<contentId>} from the HTML
	 */
	@Schema(name = "Attachment", description = "A file, or an inline image referenced from the HTML as cid:<contentId>")
	public record Attachment(
			@Schema(example = "invoice.pdf", description = "path parts are dropped; no CR/LF/NUL; non-ASCII names are "
					+ "RFC 2231-encoded") String filename,
			@Schema(example = "application/pdf", description = "one of the allowed types (PDF, Office/OpenDocument, "
					+ "ZIP, JSON, XML, CSV, plain text, calendar, PNG, JPEG, GIF, WebP, octet-stream)") String contentType,
			@Schema(description = "base64 (line breaks allowed)", example = "JVBERi0xLjQKJcfsj6IK") String content,
			@Schema(description = "an inline part (multipart/related) instead of an attachment") Boolean inline,
			@Schema(example = "logo", description = "required for inline parts: letters, digits, . _ @ -") String contentId) {
	}

}
