package io.mailroom.message;

import java.util.List;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /messages/batch}. Items stay JSON trees until each is read on its own,
 * so that one malformed item (an unknown field, a wrong type) is that item's problem and not the
 * whole batch's.
 */
@Schema(description = "Up to 500 messages, each as for POST /messages")
public record BatchRequest(
		@ArraySchema(schema = @Schema(implementation = SendRequest.class), minItems = 1, maxItems = 500) List<JsonNode> messages) {
}
