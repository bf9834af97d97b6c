package io.mailroom.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param apiKey the first API key (live mode), from {@code MAILROOM_API_KEY}; required outside the
 * local profile. More keys are managed through {@code /api-keys}.
 */
@ConfigurationProperties("mailroom")
public record ApiKeyProperties(String apiKey) {
}
