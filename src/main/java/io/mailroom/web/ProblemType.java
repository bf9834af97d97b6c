package io.mailroom.web;

import java.net.URI;

import org.springframework.http.HttpStatus;

/**
 * The problem types mailroom answers with (RFC 9457). The {@code type} URIs and titles are stable:
 * clients may switch on them. The README lists them.
 */
public enum ProblemType {

	VALIDATION(HttpStatus.BAD_REQUEST, "validation", "The request is invalid"),
	MALFORMED_REQUEST(HttpStatus.BAD_REQUEST, "malformed-request", "The request body could not be read"),
	UNAUTHORIZED(HttpStatus.UNAUTHORIZED, "unauthorized", "A valid API key is required"),
	FORBIDDEN(HttpStatus.FORBIDDEN, "forbidden", "This API key may not do that"),
	NOT_FOUND(HttpStatus.NOT_FOUND, "not-found", "No such resource"),
	METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED, "method-not-allowed", "Method not allowed"),
	CONFLICT(HttpStatus.CONFLICT, "conflict", "The request conflicts with the resource's state"),
	IDEMPOTENCY_KEY_REUSED(HttpStatus.CONFLICT, "idempotency-key-reused",
			"The Idempotency-Key was used with a different request body"),
	PAYLOAD_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "The request body is too large"),
	UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "Unsupported content type"),
	UNKNOWN_TEMPLATE(HttpStatus.UNPROCESSABLE_CONTENT, "unknown-template", "No template with that name"),
	TEMPLATE_ERROR(HttpStatus.UNPROCESSABLE_CONTENT, "template-error", "The template could not be rendered"),
	TEMPLATE_INVALID(HttpStatus.UNPROCESSABLE_CONTENT, "template-invalid", "The template was not stored: it has errors"),
	BATCH_REJECTED(HttpStatus.UNPROCESSABLE_CONTENT, "batch-rejected", "No message of the batch was accepted"),
	RATE_LIMITED(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too many requests"),
	INTERNAL(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "Internal error");

	private final HttpStatus status;

	private final URI type;

	private final String title;

	ProblemType(HttpStatus status, String slug, String title) {
		this.status = status;
		this.type = URI.create("urn:mailroom:problem:" + slug);
		this.title = title;
	}

	public HttpStatus status() {
		return status;
	}

	public URI type() {
		return type;
	}

	public String title() {
		return title;
	}

}
