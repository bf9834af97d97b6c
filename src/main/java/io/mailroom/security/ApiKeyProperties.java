package io.mailroom.security;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param apiKey the first API key (live mode), from {@code MAILROOM_API_KEY}; required outside the
 * local profile. More keys are managed through {@code /api-keys}.
 * @param apiKeyCacheTtl how long a generated key, once checked against the database, is trusted
 * without asking it again; a key revoked on another instance keeps working there for at most this
 * long (on the instance that revoked it, at once). {@code 0s} asks the database on every request.
 */
@ConfigurationProperties("mailroom")
public record ApiKeyProperties(String apiKey, @DefaultValue("5s") Duration apiKeyCacheTtl) {
}
