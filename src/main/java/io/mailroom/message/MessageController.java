package io.mailroom.message;

import java.net.URI;
import java.util.UUID;

import io.mailroom.security.Caller;
import io.mailroom.web.ProblemException;
import io.mailroom.web.ProblemType;
import io.mailroom.web.Problems;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/messages")
@Tag(name = "Messages", description = "Send, look up, search and cancel messages")
class MessageController {

	private static final String IDEMPOTENCY_KEY_DOC = "Makes a retry safe: a repeat with the same key and body "
			+ "within 24 hours returns the original response and creates nothing; the same key with another body is a 409";

	private final MessageService messages;

	private final MessageQueries queries;

	private final MessageSearch search;

	MessageController(MessageService messages, MessageQueries queries, MessageSearch search) {
		this.messages = messages;
		this.queries = queries;
		this.search = search;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Accept a message: render, store and queue it for delivery",
			description = "Rendering happens now: an unknown template or missing template data is a 422, not a failed "
					+ "delivery later. A suppressed recipient gets the status 'suppressed' at once.",
			requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(
					schema = @Schema(implementation = SendRequest.class),
					examples = @ExampleObject(name = "order confirmation", value = ApiExamples.SEND_REQUEST))))
	@ApiResponse(responseCode = "202", description = "Accepted; Location: /messages/{id}",
			content = @Content(schema = @Schema(implementation = AcceptedMessage.class),
					examples = @ExampleObject(value = ApiExamples.ACCEPTED)))
	@ApiResponse(responseCode = "400", description = "Invalid request (validation problem with errors[]) or malformed JSON",
			content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
					schema = @Schema(implementation = ProblemDetail.class),
					examples = @ExampleObject(value = ApiExamples.VALIDATION_PROBLEM)))
	@ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
	@ApiResponse(responseCode = "409", description = "Idempotency-Key reused with a different body",
			content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
					schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "413", description = "Body over mailroom.limits.max-request-size",
			content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
					schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "422", description = "Unknown template, or the template could not be rendered",
			content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
					schema = @Schema(implementation = ProblemDetail.class),
					examples = @ExampleObject(value = ApiExamples.UNKNOWN_TEMPLATE_PROBLEM)))
	ResponseEntity<AcceptedMessage> send(@RequestBody SendRequest request,
			@Parameter(description = IDEMPOTENCY_KEY_DOC) @RequestHeader(name = "Idempotency-Key",
					required = false) String idempotencyKey,
			HttpServletRequest http) {
		MessageService.Outcome<AcceptedMessage> outcome = messages.accept(Caller.of(http), request, idempotencyKey);
		ResponseEntity.BodyBuilder response = ResponseEntity.status(outcome.status())
			.location(URI.create("/messages/" + outcome.body().id()));
		if (outcome.replayed()) {
			response.header("Idempotent-Replayed", "true");
		}
		return response.body(outcome.body());
	}

	@PostMapping(path = "/batch", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE })
	@Operation(summary = "Accept up to 500 messages at once",
			description = "Each message is validated and rendered on its own; those that pass are stored in one "
					+ "transaction. The response lists, in request order, each accepted message or its problem "
					+ "document. 202 when all were accepted, 207 when some were, 422 (nothing stored) when none was. "
					+ "Idempotency-Key covers the whole batch.",
			requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(
					schema = @Schema(implementation = BatchRequest.class),
					examples = @ExampleObject(name = "two messages", value = ApiExamples.BATCH_REQUEST))))
	@ApiResponse(responseCode = "202", description = "All messages accepted",
			content = @Content(schema = @Schema(implementation = BatchResponse.class)))
	@ApiResponse(responseCode = "207", description = "Some accepted, some refused: see each item",
			content = @Content(schema = @Schema(implementation = BatchResponse.class),
					examples = @ExampleObject(value = ApiExamples.BATCH_MIXED)))
	@ApiResponse(responseCode = "400", description = "Not a batch: no messages, more than 500, malformed JSON",
			content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
					schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
	@ApiResponse(responseCode = "409", description = "Idempotency-Key reused with a different body",
			content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
					schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "413", description = "Body over mailroom.limits.max-request-size",
			content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
					schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "422", description = "No message was accepted; nothing stored. "
			+ "The problem's messages[] holds each message's problem",
			content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
					schema = @Schema(implementation = ProblemDetail.class)))
	ResponseEntity<Object> sendBatch(@RequestBody BatchRequest request,
			@Parameter(description = IDEMPOTENCY_KEY_DOC) @RequestHeader(name = "Idempotency-Key",
					required = false) String idempotencyKey,
			HttpServletRequest http) {
		MessageService.Outcome<BatchResponse> outcome = messages.acceptBatch(Caller.of(http), request, idempotencyKey);
		if (outcome.status() == ProblemType.BATCH_REJECTED.status().value() && !outcome.replayed()) {
			ProblemDetail problem = Problems.of(ProblemType.BATCH_REJECTED,
					"None of the " + outcome.body().messages().size() + " messages was accepted; nothing was stored. "
							+ "messages[] lists each one's problem");
			problem.setProperty("messages", outcome.body().messages());
			return ResponseEntity.status(problem.getStatus())
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.body(problem);
		}
		ResponseEntity.BodyBuilder response = ResponseEntity.status(outcome.status())
			.contentType(MediaType.APPLICATION_JSON);
		if (outcome.replayed()) {
			response.header("Idempotent-Replayed", "true");
		}
		// The body exactly as stored for Idempotency-Key replays.
		return response.body(outcome.rawBody());
	}

	@GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Search messages, newest first, a page at a time",
			description = "All given filters must match. Pages are keyset-paginated: pass nextCursor as cursor for "
					+ "the next page, with the same filters; nextCursor is absent on the last page. Messages accepted "
					+ "meanwhile never shift later pages.")
	@Parameter(name = "status", in = ParameterIn.QUERY,
			description = "messages with at least one recipient in this status",
			schema = @Schema(allowableValues = { "scheduled", "queued", "sending", "deferred", "delivered", "bounced",
					"failed", "suppressed", "cancelled" }))
	@Parameter(name = "recipient", in = ParameterIn.QUERY, description = "a recipient address (to, cc or bcc), any case",
			example = "ana@example.com")
	@Parameter(name = "tag", in = ParameterIn.QUERY, description = "a tag the message carries; repeat for all of several",
			example = "checkout")
	@Parameter(name = "template", in = ParameterIn.QUERY, example = "order-confirmation")
	@Parameter(name = "since", in = ParameterIn.QUERY, description = "created at or after (ISO-8601)",
			example = "2026-11-01T00:00:00Z")
	@Parameter(name = "until", in = ParameterIn.QUERY, description = "created before (ISO-8601)",
			example = "2026-12-01T00:00:00Z")
	@Parameter(name = "metadata.{key}", in = ParameterIn.QUERY,
			description = "metadata value, e.g. metadata.orderId=A-1001; several must all match",
			schema = @Schema(type = "string"))
	@Parameter(name = "limit", in = ParameterIn.QUERY, description = "page size, 1 to 100",
			schema = @Schema(type = "integer", defaultValue = "20", minimum = "1", maximum = "100"))
	@Parameter(name = "cursor", in = ParameterIn.QUERY, description = "nextCursor of the previous page")
	@ApiResponse(responseCode = "200", description = "A page of messages",
			content = @Content(schema = @Schema(implementation = MessagePage.class)))
	@ApiResponse(responseCode = "400", description = "Unknown filter, bad value or cursor",
			content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
					schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
	MessagePage list(@Parameter(hidden = true) HttpServletRequest http) {
		return search.search(MessageFilter.parse(http.getParameterMap()));
	}

	@GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "A message with per-recipient status, attempts (with SMTP transcripts) and events")
	@ApiResponse(responseCode = "200", description = "The message",
			content = @Content(schema = @Schema(implementation = MessageView.class)))
	@ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
	@ApiResponse(responseCode = "404", ref = "#/components/responses/NotFound")
	MessageView get(@Parameter(example = "msg_019ac6d47b2a70008000000000000001") @PathVariable String id) {
		return queries.find(parse(id)).orElseThrow(() -> notFound(id));
	}

	@GetMapping(path = "/{id}/content", produces = { MediaType.APPLICATION_JSON_VALUE, "message/rfc822" })
	@Operation(summary = "The rendered subject, text and HTML; ?format=raw for the MIME message as sent")
	@ApiResponse(responseCode = "200", description = "The content (JSON), or the raw message (message/rfc822)",
			content = { @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = MessageView.Content.class)),
					@Content(mediaType = "message/rfc822", schema = @Schema(type = "string", format = "binary")) })
	@ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
	@ApiResponse(responseCode = "404", ref = "#/components/responses/NotFound")
	ResponseEntity<?> content(@PathVariable String id,
			@Parameter(description = "'raw' for the RFC 5322 message",
					schema = @Schema(allowableValues = "raw")) @RequestParam(required = false) String format) {
		UUID uuid = parse(id);
		if ("raw".equals(format)) {
			return ResponseEntity.ok()
				.contentType(MediaType.parseMediaType("message/rfc822"))
				.body(queries.raw(uuid).orElseThrow(() -> notFound(id)));
		}
		return ResponseEntity.ok(queries.content(uuid).orElseThrow(() -> notFound(id)));
	}

	@PostMapping(path = "/{id}/cancel", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Cancel the recipients not yet sent (scheduled, queued or deferred)",
			description = "Each cancelled recipient gets a message.cancelled event. Recipients being sent at this "
					+ "moment, or finished, are not touched. Answers with the message as GET /messages/{id} does.")
	@ApiResponse(responseCode = "200", description = "Cancelled; the message afterwards",
			content = @Content(schema = @Schema(implementation = MessageView.class)))
	@ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
	@ApiResponse(responseCode = "404", ref = "#/components/responses/NotFound")
	@ApiResponse(responseCode = "409", description = "Nothing left to cancel",
			content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
					schema = @Schema(implementation = ProblemDetail.class)))
	MessageView cancel(@PathVariable String id) {
		UUID uuid = parse(id);
		messages.cancel(uuid);
		return queries.find(uuid).orElseThrow(() -> notFound(id));
	}

	static UUID parse(String id) {
		try {
			return Messages.parseId(id);
		}
		catch (IllegalArgumentException ex) {
			throw notFound(id);
		}
	}

	static ProblemException notFound(String id) {
		return new ProblemException(ProblemType.NOT_FOUND, "No message " + id);
	}

}
