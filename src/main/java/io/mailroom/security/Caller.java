package io.mailroom.security;

import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Who made the request: the API key that authenticated it.
 *
 * @param keyId the key's id, or null for the configured first key
 * @param test whether the key is a test-mode key (sandbox: nothing is sent over SMTP)
 */
public record Caller(UUID keyId, String name, boolean test) {

	public static final String ATTRIBUTE = Caller.class.getName();

	public static Caller of(HttpServletRequest request) {
		return (Caller) request.getAttribute(ATTRIBUTE);
	}

	/** The idempotency and rate-limit scope of this caller. */
	public String scope() {
		return keyId == null ? "configured" : keyId.toString();
	}

}
