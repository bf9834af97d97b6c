package io.mailroom.message;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;

/**
 * A keyset position: the (created_at, id) of the last row of a page. Opaque to callers (base64url)
 * so that its content can change; microseconds, because that is what PostgreSQL stores.
 */
record PageCursor(Instant createdAt, UUID id) {

	private static final String VERSION = "1";

	String encode() {
		long micros = ChronoUnit.MICROS.between(Instant.EPOCH, createdAt);
		String text = VERSION + ":" + micros + ":" + id;
		return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
	}

	/** @throws IllegalArgumentException when the text is not a cursor this version wrote */
	static PageCursor decode(String text) {
		String[] parts;
		try {
			parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII).split(":");
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("not a cursor", ex);
		}
		if (parts.length != 3 || !parts[0].equals(VERSION)) {
			throw new IllegalArgumentException("not a cursor");
		}
		try {
			return new PageCursor(Instant.EPOCH.plus(Long.parseLong(parts[1]), ChronoUnit.MICROS), UUID.fromString(parts[2]));
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("not a cursor", ex);
		}
	}

}
