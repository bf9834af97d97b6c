package io.mailroom.message;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;

/** The body of {@code POST /messages} (SPEC §2). */
@Schema(description = "A message to render from a template and send")
public record SendRequest(
		@Schema(example = "order-confirmation", description = "template name (built-in or stored)") String template,
		@Schema(description = "1..50 recipients in to, cc and bcc together") List<Address> to,
		List<Address> cc,
		List<Address> bcc,
		@Schema(description = "sender; must be allowed by mailroom.sender.allowed; defaults to mailroom.sender.default") Address from,
		@Schema(example = "help@example.com") String replyTo,
		@Schema(description = "overrides the template's subject") String subject,
		@Schema(example = "en") String locale,
		@Schema(description = "the template's model") Map<String, Object> data,
		@Schema(description = "custom headers; no CR/LF, no reserved names") Map<String, String> headers,
		List<String> tags,
		Map<String, String> metadata,
		@Schema(description = "scheduled send time, at most 30 days ahead") Instant sendAt,
		@Schema(allowableValues = { "high", "normal", "low" }) String priority,
		@Schema(allowableValues = { "transactional", "marketing" }) String category,
		List<Attachment> attachments) {

	public record Address(@Schema(example = "ana@example.com") String email, @Schema(example = "Ana Lima") String name) {
	}

	/**
	 * @param content base64-encoded bytes
	 * @param inline whether the part is an inline image referenced as {@code cid:<contentId>} from the HTML
	 */
	public record Attachment(@Schema(example = "invoice.pdf") String filename,
			@Schema(example = "application/pdf") String contentType, String content, Boolean inline,
			String contentId) {
	}

}
