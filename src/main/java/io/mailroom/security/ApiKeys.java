package io.mailroom.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.mailroom.common.Ids;

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

	private final SecureRandom random = new SecureRandom();

	private final byte[] configuredSalt = new byte[16];

	private final byte[] configuredHash;

	public ApiKeys(ApiKeyProperties properties, JdbcClient jdbc, Environment environment) {
		this.jdbc = jdbc;
		Duration ttl = properties.apiKeyCacheTtl();
		this.verified = ttl == null || ttl.isZero() || ttl.isNegative() ? null
				: Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(10_000).build();
		if (!StringUtils.hasText(properties.apiKey())) {
			if (!environment.acceptsProfiles(Profiles.of("local"))) {
				throw new IllegalStateException(
						"mailroom.api-key (environment variable MAILROOM_API_KEY) must be set outside the local profile");
			}
			this.configuredHash = null;
		}
		else {
			random.nextBytes(configuredSalt);
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
		Verified cached = verified == null ? null : verified.getIfPresent(lookupId);
		if (cached != null) {
			// the same salted hash and constant-time comparison as against the row
			return MessageDigest.isEqual(cached.hash(), hash(cached.salt(), presented)) ? Optional.of(cached.caller())
					: Optional.empty();
		}
		return jdbc.sql("select id, name, mode, salt, key_hash from api_key where lookup_id = ? and revoked_at is null")
			.param(lookupId)
			.query((rs, n) -> {
				byte[] expected = rs.getBytes("key_hash");
				byte[] salt = rs.getBytes("salt");
				if (!MessageDigest.isEqual(expected, hash(salt, presented))) {
					return null;
				}
				Caller caller = new Caller(rs.getObject("id", UUID.class), rs.getString("name"),
						"test".equals(rs.getString("mode")));
				if (verified != null) {
					verified.put(lookupId, new Verified(salt, expected, caller));
				}
				return caller;
			})
			.optional();
	}

	/**
	 * Keys recently found in the database, by lookup id, for {@code mailroom.api-key-cache-ttl}
	 * (null when it is 0): every request would otherwise cost a query. Only keys that matched are
	 * kept (with their salt and hash, never the key), so an unknown or wrong key is always checked
	 * against the database.
	 */
	private final Cache<String, Verified> verified;

	private record Verified(byte[] salt, byte[] hash, Caller caller) {
	}

	/** A key as listed: never its secret or hash. */
	public record Listed(UUID id, String name, String mode, String prefix, Instant createdAt) {
	}

	/** A key just created: the only moment its full text exists outside the caller's hands. */
	public record Created(UUID id, String name, String mode, String key, Instant createdAt) {
	}

	/**
	 * Creates a key {@code mr_<lookup>.<secret>}: the lookup part finds the row, the secret (32
	 * random bytes) makes it unguessable; only a salted hash of the whole key is stored.
	 */
	public Created create(String name, String mode, Instant now) {
		UUID id = Ids.next();
		String lookup = randomLookup();
		byte[] secret = new byte[32];
		random.nextBytes(secret);
		String key = PREFIX + lookup + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
		byte[] salt = new byte[16];
		random.nextBytes(salt);
		jdbc.sql("""
				insert into api_key (id, name, mode, lookup_id, salt, key_hash, created_at)
				values (?, ?, ?, ?, ?, ?, ?)""")
			.params(id, name, mode, lookup, salt, hash(salt, key), Timestamp.from(now))
			.update();
		return new Created(id, name, mode, key, now);
	}

	/** The keys that are not revoked, oldest first. */
	public List<Listed> list() {
		return jdbc.sql("select id, name, mode, lookup_id, created_at from api_key where revoked_at is null order by created_at, id")
			.query((rs, n) -> new Listed(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
					PREFIX + rs.getString(4), rs.getTimestamp(5).toInstant()))
			.list();
	}

	/** @return whether a key that was not revoked yet was revoked now */
	public boolean revoke(UUID id, Instant now) {
		boolean revoked = jdbc.sql("update api_key set revoked_at = ? where id = ? and revoked_at is null")
			.params(Timestamp.from(now), id)
			.update() == 1;
		if (verified != null) {
			verified.asMap().values().removeIf(entry -> id.equals(entry.caller().keyId()));
		}
		return revoked;
	}

	private String randomLookup() {
		// 12 characters of [a-z0-9] (about 62 bits): unique enough that a collision, refused by
		// the unique index, never happens in practice.
		String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
		StringBuilder lookup = new StringBuilder(12);
		for (int i = 0; i < 12; i++) {
			lookup.append(alphabet.charAt(random.nextInt(alphabet.length())));
		}
		return lookup.toString();
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
