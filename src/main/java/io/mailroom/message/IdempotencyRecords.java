package io.mailroom.message;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Idempotency-Key handling (SPEC §2): the first request with a key stores its response in the
 * same transaction as the messages it created; a repeat within 24 hours gets that response back;
 * a repeat with another body is a conflict.
 */
@Component
class IdempotencyRecords {

	static final Duration WINDOW = Duration.ofHours(24);

	static final int MAX_KEY_LENGTH = 255;

	private final JdbcClient jdbc;

	IdempotencyRecords(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	record Stored(byte[] requestHash, int status, String body) {

		boolean matches(byte[] hash) {
			return MessageDigest.isEqual(requestHash, hash);
		}

	}

	Optional<Stored> find(String scope, String key, Instant now) {
		return jdbc.sql("""
				select request_hash, response_status, response_body::text from idempotency_record
				where scope = ? and key = ? and created_at > ?""")
			.params(scope, key, Timestamp.from(now.minus(WINDOW)))
			.query((rs, n) -> new Stored(rs.getBytes(1), rs.getInt(2), rs.getString(3)))
			.optional();
	}

	/**
	 * Claims the key for this request. A concurrent request with the same key blocks on the
	 * primary key until this transaction ends, then finds the stored record. An expired record is
	 * taken over.
	 * @return whether this request owns the key
	 */
	boolean claim(String scope, String key, byte[] requestHash, int status, String body, Instant now) {
		return jdbc.sql("""
				insert into idempotency_record (scope, key, request_hash, response_status, response_body, created_at)
				values (?, ?, ?, ?, ?::jsonb, ?)
				on conflict (scope, key) do update
				  set request_hash = excluded.request_hash, response_status = excluded.response_status,
				      response_body = excluded.response_body, created_at = excluded.created_at
				  where idempotency_record.created_at <= ?""")
			.params(scope, key, requestHash, status, body, Timestamp.from(now), Timestamp.from(now.minus(WINDOW)))
			.update() == 1;
	}

	int purgeExpired(Instant now) {
		return jdbc.sql("delete from idempotency_record where created_at <= ?")
			.param(Timestamp.from(now.minus(WINDOW)))
			.update();
	}

	static byte[] hash(byte[] canonicalRequest) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(canonicalRequest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
