package io.mailroom.security;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.mailroom.common.Ids;
import io.mailroom.web.FieldProblem;
import io.mailroom.web.ProblemException;
import io.mailroom.web.ProblemType;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api-keys} (SPEC §2 "Auth"). Test-mode keys may not manage keys: a sandbox key that could
 * mint a live one would not be a sandbox.
 */
@RestController
@RequestMapping("/api-keys")
@Tag(name = "API keys", description = "Create, list and revoke API keys (live or test mode)")
class ApiKeyController {

	private final ApiKeys keys;

	private final Clock clock;

	ApiKeyController(ApiKeys keys, Clock clock) {
		this.keys = keys;
		this.clock = clock;
	}

	@Schema(name = "ApiKeyRequest", description = "A key to create")
	record CreateRequest(@Schema(example = "shop", description = "what the key is for, 1 to 100 characters") String name,
			@Schema(example = "live", allowableValues = { "live", "test" },
					description = "test: messages are accepted, rendered, stored and reported delivered, but never sent") String mode) {
	}

	@Schema(name = "CreatedApiKey", description = "The created key; 'key' is shown this once and cannot be retrieved again")
	record CreatedKey(@Schema(example = "key_019ac6d47b2a70008000000000000001") String id,
			@Schema(example = "shop") String name, @Schema(example = "live") String mode,
			@Schema(example = "mr_k3j9x0c2m1qa.Zq4Jf0Q9nXo3c0Yl2xJ8mFh1sQz0Tb5Wk7Rr9Lp3Vd4") String key,
			Instant createdAt) {
	}

	@Schema(name = "ApiKey", description = "A key, without its secret")
	record ListedKey(@Schema(example = "key_019ac6d47b2a70008000000000000001") String id,
			@Schema(example = "shop") String name, @Schema(example = "live") String mode,
			@Schema(example = "mr_k3j9x0c2m1qa", description = "the public start of the key, to recognise it") String prefix,
			Instant createdAt) {
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Create an API key; its secret is in the response and nowhere else",
			requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(
					schema = @Schema(implementation = CreateRequest.class),
					examples = @ExampleObject(value = "{\"name\": \"shop-staging\", \"mode\": \"test\"}"))))
	@ApiResponse(responseCode = "201", description = "Created; Location: /api-keys/{id}",
			content = @Content(schema = @Schema(implementation = CreatedKey.class)))
	@ApiResponse(responseCode = "400", description = "Invalid name or mode",
			content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
					schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
	@ApiResponse(responseCode = "403", ref = "#/components/responses/Forbidden")
	ResponseEntity<CreatedKey> create(@RequestBody CreateRequest request, HttpServletRequest http) {
		requireLive(http);
		List<FieldProblem> errors = new ArrayList<>();
		String name = request.name() == null ? null : request.name().trim();
		if (name == null || name.isEmpty() || name.length() > 100 || name.chars().anyMatch(Character::isISOControl)) {
			errors.add(new FieldProblem("name", "must be 1 to 100 printable characters"));
		}
		if (!"live".equals(request.mode()) && !"test".equals(request.mode())) {
			errors.add(new FieldProblem("mode", "must be live or test"));
		}
		if (!errors.isEmpty()) {
			throw ProblemException.invalid(errors);
		}
		ApiKeys.Created created = keys.create(name, request.mode(), clock.instant());
		String id = Ids.format("key", created.id());
		return ResponseEntity.created(URI.create("/api-keys/" + id))
			.body(new CreatedKey(id, created.name(), created.mode(), created.key(), created.createdAt()));
	}

	@GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "The keys that are not revoked (the configured first key is not listed)")
	@ApiResponse(responseCode = "200", description = "The keys, oldest first",
			content = @Content(array = @ArraySchema(schema = @Schema(implementation = ListedKey.class))))
	@ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
	@ApiResponse(responseCode = "403", ref = "#/components/responses/Forbidden")
	List<ListedKey> list(HttpServletRequest http) {
		requireLive(http);
		return keys.list()
			.stream()
			.map(k -> new ListedKey(Ids.format("key", k.id()), k.name(), k.mode(), k.prefix(), k.createdAt()))
			.toList();
	}

	@DeleteMapping("/{id}")
	@Operation(summary = "Revoke a key: it stops working at once")
	@ApiResponse(responseCode = "204", description = "Revoked")
	@ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
	@ApiResponse(responseCode = "403", ref = "#/components/responses/Forbidden")
	@ApiResponse(responseCode = "404", ref = "#/components/responses/NotFound")
	ResponseEntity<Void> revoke(@Parameter(example = "key_019ac6d47b2a70008000000000000001") @PathVariable String id,
			HttpServletRequest http) {
		requireLive(http);
		UUID uuid;
		try {
			uuid = Ids.parse("key", id);
		}
		catch (IllegalArgumentException ex) {
			throw notFound(id);
		}
		if (!keys.revoke(uuid, clock.instant())) {
			throw notFound(id);
		}
		return ResponseEntity.noContent().build();
	}

	private static void requireLive(HttpServletRequest http) {
		Caller caller = Caller.of(http);
		if (caller == null || caller.test()) {
			throw new ProblemException(ProblemType.FORBIDDEN, "A test-mode key cannot manage API keys");
		}
	}

	private static ProblemException notFound(String id) {
		return new ProblemException(ProblemType.NOT_FOUND, "No API key " + id);
	}

}
