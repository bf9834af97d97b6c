package io.mailroom.hostile;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Creates API keys the way the key table stores them (SHA-256 over a per-key salt and the key), so
 * these tests do not depend on the key-management endpoints.
 */
final class TestKeys {

	private static final SecureRandom RANDOM = new SecureRandom();

	private TestKeys() {
	}

	/** @return the key in clear, {@code mr_<lookup>.<secret>} */
	static String create(JdbcClient jdbc, String name, String mode) {
		String lookup = HexFormat.of().formatHex(bytes(6));
		String key = "mr_" + lookup + "." + HexFormat.of().formatHex(bytes(24));
		byte[] salt = bytes(16);
		jdbc.sql("""
				insert into api_key (id, name, mode, lookup_id, salt, key_hash, created_at)
				values (?, ?, ?, ?, ?, ?, ?)""")
			.params(UUID.randomUUID(), name, mode, lookup, salt, hash(salt, key), Timestamp.from(Instant.now()))
			.update();
		return key;
	}

	private static byte[] hash(byte[] salt, String key) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			digest.update(salt);
			return digest.digest(key.getBytes(StandardCharsets.UTF_8));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] bytes(int n) {
		byte[] b = new byte[n];
		RANDOM.nextBytes(b);
		return b;
	}

}
