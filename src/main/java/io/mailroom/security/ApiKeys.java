package io.mailroom.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Optional;

import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.util.StringUtils;

/**
 * Authenticates API keys. Keys are never stored: the configured key is kept as a salted hash in
 * memory, generated keys ({@code mr_<lookup>.<secret>}) as SHA-256 over a per-key salt and the
 * key. Hashes are compared in constant time.
 */
@Service
public class ApiKeys {

	static final String PREFIX = "mr_";

	private final JdbcClient jdbc;

	private final byte[] configuredSalt = new byte[16];

	private final byte[] configuredHash;

	public ApiKeys(ApiKeyProperties properties, JdbcClient jdbc, Environment environment) {
		this.jdbc = jdbc;
		if (!StringUtils.hasText(properties.apiKey())) {
			if (!environment.acceptsProfiles(Profiles.of("local"))) {
				throw new IllegalStateException(
						"mailroom.api-key (environment variable MAILROOM_API_KEY) must be set outside the local profile");
			}
			this.configuredHash = null;
		}
		else {
			new SecureRandom().nextBytes(configuredSalt);
			this.configuredHash = hash(configuredSalt, properties.apiKey());
		}
	}

	public Optional<Caller> authenticate(String presented) {
		if (presented == null || presented.isEmpty()) {
			return Optional.empty();
		}
		if (configuredHash != null && MessageDigest.isEqual(configuredHash, hash(configuredSalt, presented))) {
			return Optional.of(new Caller(null, "configured", false));
		}
		int dot = presented.indexOf('.');
		if (!presented.startsWith(PREFIX) || dot < 0) {
			return Optional.empty();
		}
		String lookupId = presented.substring(PREFIX.length(), dot);
		return jdbc.sql("select id, name, mode, salt, key_hash from api_key where lookup_id = ? and revoked_at is null")
			.param(lookupId)
			.query((rs, n) -> {
				byte[] expected = rs.getBytes("key_hash");
				boolean ok = MessageDigest.isEqual(expected, hash(rs.getBytes("salt"), presented));
				return ok ? new Caller(rs.getObject("id", java.util.UUID.class), rs.getString("name"),
						"test".equals(rs.getString("mode"))) : null;
			})
			.optional();
	}

	static byte[] hash(byte[] salt, String key) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			digest.update(salt);
			return digest.digest(key.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
