package io.mailroom.bounce;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.mailroom.message.EmailAddress;
import io.mailroom.web.FieldProblem;
import io.mailroom.web.ProblemException;
import io.mailroom.web.ProblemType;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriUtils;

/**
 * The suppression list (SPEC §2): addresses mailroom will not send to. {@code POST /messages}
 * marks them {@code suppressed} at once.
 */
@RestController
@RequestMapping("/suppressions")
@Tag(name = "Suppressions")
class SuppressionController {

	/** Operators may add any permanent reason (to import a list from another provider, say). */
	private static final Set<SuppressionList.Reason> ADDABLE = Set.of(SuppressionList.Reason.MANUAL,
			SuppressionList.Reason.HARD_BOUNCE, SuppressionList.Reason.COMPLAINT, SuppressionList.Reason.UNSUBSCRIBE);

	/** {@code POST /suppressions}. */
	record AddRequest(String email, String reason, String detail) {
	}

	private final SuppressionList list;

	private final Clock clock;

	SuppressionController(SuppressionList list, Clock clock) {
		this.list = list;
		this.clock = clock;
	}

	@GetMapping
	@Operation(summary = "Suppressed addresses, newest first; filter by email or reason")
	SuppressionList.Page page(@RequestParam(required = false) String email,
			@RequestParam(required = false) String reason, @RequestParam(required = false) Integer limit,
			@RequestParam(required = false) String cursor) {
		List<FieldProblem> problems = new ArrayList<>();
		SuppressionList.Reason r = null;
		if (reason != null) {
			try {
				r = SuppressionList.Reason.parse(reason);
			}
			catch (IllegalArgumentException ex) {
				problems.add(new FieldProblem("reason",
						"must be one of hard-bounce, complaint, manual, unsubscribe, soft-bounce"));
			}
		}
		int size = limit == null ? 50 : limit;
		if (size < 1 || size > 100) {
			problems.add(new FieldProblem("limit", "must be between 1 and 100"));
		}
		if (cursor != null) {
			try {
				SuppressionList.Cursor.decode(cursor);
			}
			catch (IllegalArgumentException ex) {
				problems.add(new FieldProblem("cursor", "is not a cursor from a previous page"));
			}
		}
		if (!problems.isEmpty()) {
			throw ProblemException.invalid(problems);
		}
		return list.page(email == null || email.isBlank() ? null : email.trim(), r, size, cursor, clock.instant());
	}

	@GetMapping("/{email}")
	@Operation(summary = "Whether an address is suppressed, and why")
	SuppressionList.Entry get(@PathVariable String email) {
		return list.find(email, clock.instant()).orElseThrow(() -> notFound(email));
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Suppress an address (reason manual unless given); replaces an existing entry")
	ResponseEntity<SuppressionList.Entry> add(@RequestBody AddRequest request) {
		List<FieldProblem> problems = new ArrayList<>();
		String email = request.email() == null ? null : request.email().trim();
		try {
			EmailAddress.parse(email);
		}
		catch (IllegalArgumentException ex) {
			problems.add(new FieldProblem("email", ex.getMessage()));
		}
		SuppressionList.Reason reason = SuppressionList.Reason.MANUAL;
		if (request.reason() != null) {
			try {
				reason = SuppressionList.Reason.parse(request.reason());
			}
			catch (IllegalArgumentException ex) {
				reason = null;
			}
			if (reason == null || !ADDABLE.contains(reason)) {
				problems.add(new FieldProblem("reason", "must be one of manual, hard-bounce, complaint, unsubscribe"));
			}
		}
		if (request.detail() != null && request.detail().length() > 500) {
			problems.add(new FieldProblem("detail", "must be at most 500 characters"));
		}
		if (!problems.isEmpty()) {
			throw ProblemException.invalid(problems);
		}
		boolean existed = list.find(email, clock.instant()).isPresent();
		SuppressionList.Entry entry = list.put(email, reason, request.detail(), clock.instant());
		return ResponseEntity.status(existed ? HttpStatus.OK : HttpStatus.CREATED)
			.location(URI.create("/suppressions/" + UriUtils.encodePathSegment(entry.email(), StandardCharsets.UTF_8)))
			.body(entry);
	}

	@DeleteMapping("/{email}")
	@Operation(summary = "Remove an address from the suppression list: mail to it is sent again")
	ResponseEntity<Void> remove(@PathVariable String email) {
		if (!list.remove(email, clock.instant())) {
			throw notFound(email);
		}
		return ResponseEntity.noContent().build();
	}

	private static ProblemException notFound(String email) {
		return new ProblemException(ProblemType.NOT_FOUND, SuppressionList.key(email) + " is not suppressed");
	}

}
