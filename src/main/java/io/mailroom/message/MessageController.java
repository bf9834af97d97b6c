package io.mailroom.message;

import java.net.URI;
import java.util.UUID;

import io.mailroom.security.Caller;
import io.mailroom.web.ProblemException;
import io.mailroom.web.ProblemType;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.MediaType;
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
@Tag(name = "Messages")
class MessageController {

	private final MessageService messages;

	private final MessageQueries queries;

	MessageController(MessageService messages, MessageQueries queries) {
		this.messages = messages;
		this.queries = queries;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Accept a message: render, store and queue it for delivery")
	ResponseEntity<AcceptedMessage> send(@RequestBody SendRequest request,
			@RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
			HttpServletRequest http) {
		MessageService.Outcome<AcceptedMessage> outcome = messages.accept(Caller.of(http), request, idempotencyKey);
		ResponseEntity.BodyBuilder response = ResponseEntity.status(outcome.status())
			.location(URI.create("/messages/" + outcome.body().id()));
		if (outcome.replayed()) {
			response.header("Idempotent-Replayed", "true");
		}
		return response.body(outcome.body());
	}

	@GetMapping("/{id}")
	@Operation(summary = "A message with per-recipient status, attempts and events")
	MessageView get(@PathVariable String id) {
		return queries.find(parse(id)).orElseThrow(() -> notFound(id));
	}

	@GetMapping("/{id}/content")
	@Operation(summary = "The rendered subject, text and HTML; ?format=raw for the MIME message")
	ResponseEntity<?> content(@PathVariable String id, @RequestParam(required = false) String format) {
		UUID uuid = parse(id);
		if ("raw".equals(format)) {
			return ResponseEntity.ok()
				.contentType(MediaType.parseMediaType("message/rfc822"))
				.body(queries.raw(uuid).orElseThrow(() -> notFound(id)));
		}
		return ResponseEntity.ok(queries.content(uuid).orElseThrow(() -> notFound(id)));
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
