package io.mailroom.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The per-API-key request rate limit: a token bucket per key that refills at
 * {@code requestsPerSecond} and holds at most {@code burst} requests.
 *
 * @param enabled whether requests are limited at all
 * @param requestsPerSecond the sustained rate each key may send
 * @param burst how many requests a key may send at once after being idle
 */
@ConfigurationProperties("mailroom.rate-limit")
public record RateLimitProperties(@DefaultValue("true") boolean enabled, @DefaultValue("100") long requestsPerSecond,
		@DefaultValue("200") long burst) {

	public RateLimitProperties {
		if (requestsPerSecond < 1) {
			throw new IllegalArgumentException("mailroom.rate-limit.requests-per-second must be at least 1");
		}
		if (burst < 1) {
			throw new IllegalArgumentException("mailroom.rate-limit.burst must be at least 1");
		}
	}

}
