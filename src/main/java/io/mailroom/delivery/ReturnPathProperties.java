package io.mailroom.delivery;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param domain {@code mailroom.bounce.domain}: the domain of VERP return paths and Message-IDs;
 * the host name when unset
 */
@ConfigurationProperties("mailroom.bounce")
public record ReturnPathProperties(String domain) {
}
