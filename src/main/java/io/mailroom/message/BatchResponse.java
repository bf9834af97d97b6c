package io.mailroom.message;

import java.util.List;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

import org.springframework.http.ProblemDetail;

/**
 * The answer to a batch: for each message, in request order, the accepted message (as
 * {@code POST /messages} answers) or the problem document it would have got alone.
 */
@Schema(description = "Per message, in request order: the accepted message or its problem document")
public record BatchResponse(@ArraySchema(schema = @Schema(oneOf = { AcceptedMessage.class, ProblemDetail.class })) List<Object> messages) {
}
