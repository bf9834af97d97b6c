package io.mailroom.bounce;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.mailroom.common.Ids;
import io.mailroom.security.Caller;
import io.mailroom.web.FieldProblem;
import io.mailroom.web.ProblemException;
import io.mailroom.web.ProblemType;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/inbound/bounces")
@Tag(name = "Inbound bounces")
class InboundBounceController {

	private static final Set<String> STATUSES = Set.of("matched", "unmatched", "ignored");

	private final InboundBounces inbound;

	private final InboundMessageLog log;

	private final long maxMessageSize;

	InboundBounceController(InboundBounces inbound, InboundMessageLog log, BounceProperties properties) {
		this.inbound = inbound;
		this.log = log;
		this.maxMessageSize = properties.maxMessageSize().toBytes();
	}

	@PostMapping(consumes = { "message/rfc822", MediaType.TEXT_PLAIN_VALUE, MediaType.APPLICATION_OCTET_STREAM_VALUE })
	@Operation(summary = "Take in a raw bounce, delay notice, complaint or auto-reply; answers with what was read",
			requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
					description = "the raw message (RFC 5322), as received",
					content = { @Content(mediaType = "message/rfc822", schema = @Schema(type = "string", format = "binary")),
							@Content(mediaType = "text/plain", schema = @Schema(type = "string")) }))
	ResponseEntity<InboundBounces.Receipt> receive(HttpServletRequest request) throws IOException {
		if (request.getContentLengthLong() > maxMessageSize) {
			throw tooLarge();
		}
		byte[] raw = read(request.getInputStream());
		if (raw.length == 0) {
			throw ProblemException.invalid(List.of(new FieldProblem("body", "must be the raw message (RFC 5322)")));
		}
		InboundBounces.Receipt receipt = inbound.receive(raw, InboundBounces.Source.HTTP, List.of(),
				Caller.of(request).test());
		return ResponseEntity.accepted().location(URI.create("/inbound/bounces/" + receipt.id())).body(receipt);
	}

	@GetMapping
	@Operation(summary = "Stored inbound messages, newest first; ?status=unmatched for those that need a look")
	InboundMessageLog.Page list(@RequestParam(required = false) String status,
			@RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
		List<FieldProblem> problems = new ArrayList<>();
		if (status != null && !STATUSES.contains(status)) {
			problems.add(new FieldProblem("status", "must be one of matched, unmatched, ignored"));
		}
		int size = limit == null ? 50 : limit;
		if (size < 1 || size > 100) {
			problems.add(new FieldProblem("limit", "must be between 1 and 100"));
		}
		if (cursor != null) {
			try {
				InboundMessageLog.decodeCursor(cursor);
			}
			catch (IllegalArgumentException ex) {
				problems.add(new FieldProblem("cursor", "is not a cursor from a previous page"));
			}
		}
		if (!problems.isEmpty()) {
			throw ProblemException.invalid(problems);
		}
		return log.page(status, size, cursor);
	}

	@GetMapping("/{id}")
	@Operation(summary = "One stored inbound message: what was read and what was done")
	InboundMessageLog.Item get(@PathVariable String id) {
		return log.find(parse(id)).orElseThrow(() -> notFound(id));
	}

	@GetMapping("/{id}/raw")
	@Operation(summary = "The stored message as received (cut at mailroom.bounce.max-stored-size)")
	ResponseEntity<byte[]> raw(@PathVariable String id) {
		return ResponseEntity.ok()
			.contentType(MediaType.parseMediaType("message/rfc822"))
			.body(log.raw(parse(id)).orElseThrow(() -> notFound(id)));
	}

	private byte[] read(InputStream in) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		byte[] buffer = new byte[64 * 1024];
		int n;
		while ((n = in.read(buffer)) >= 0) {
			if (out.size() + n > maxMessageSize) {
				throw tooLarge();
			}
			out.write(buffer, 0, n);
		}
		return out.toByteArray();
	}

	private ProblemException tooLarge() {
		return new ProblemException(ProblemType.PAYLOAD_TOO_LARGE,
				"Inbound messages are limited to " + maxMessageSize + " bytes (mailroom.bounce.max-message-size)");
	}

	private static UUID parse(String id) {
		try {
			return Ids.parse(InboundMessageLog.ID_PREFIX, id);
		}
		catch (IllegalArgumentException ex) {
			throw notFound(id);
		}
	}

	private static ProblemException notFound(String id) {
		return new ProblemException(ProblemType.NOT_FOUND, "No inbound message " + id);
	}

}
