package io.mailroom.message;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

/** A page of {@code GET /messages}, newest first. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "A page of messages, newest first")
public record MessagePage(List<Summary> items,
		@Schema(description = "pass as ?cursor= for the next page; absent on the last page",
				example = "MToxNzY0MzI1MzAwMTIzNDU2OjAxOWFjNmQ0LTdiMmEtNzAwMC04MDAwLTAwMDAwMDAwMDAwMQ") String nextCursor) {

	/** One message in a listing: what it is and where its recipients stand, without attempts and events. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	@Schema(name = "MessageSummary")
	public record Summary(@Schema(example = "msg_019ac6d47b2a70008000000000000001") String id,
			@Schema(example = "delivered", description = "the least advanced recipient status") String status,
			@Schema(example = "order-confirmation") String template, String subject,
			@Schema(example = "shop@example.com") String from, List<Recipient> recipients, List<String> tags,
			Map<String, Object> metadata, @Schema(example = "normal") String priority, Instant sendAt, boolean test,
			Instant createdAt) {
	}

	@Schema(name = "RecipientSummary")
	public record Recipient(@Schema(example = "ana@example.com") String email,
			@Schema(example = "to", allowableValues = { "to", "cc", "bcc" }) String kind,
			@Schema(example = "delivered") String status) {
	}

}
