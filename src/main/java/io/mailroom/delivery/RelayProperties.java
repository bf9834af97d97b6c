package io.mailroom.delivery;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.io.Resource;

/**
 * Where and how mail leaves (SPEC §3, §6).
 *
 * @param mode {@code smarthost} (relay everything to host:port) or {@code mx} (direct delivery)
 * @param host the smarthost; unset in local runs, where the capture server is used
 * @param port the smarthost's port
 * @param tls {@code none}, {@code starttls-opportunistic}, {@code starttls-required} or {@code implicit}
 * @param username AUTH user name, none for no AUTH
 * @param password AUTH password (from the environment: MAILROOM_RELAY_PASSWORD)
 * @param allowPlaintextAuth allow AUTH without TLS (only for relays on a trusted network)
 * @param trustStore extra CA certificates (PKCS#12 or JKS) trusted besides the JVM's
 * @param trustStorePassword the trust store's password
 * @param maxConnections parallel SMTP connections per destination
 * @param heloName the name sent in EHLO; the host name when unset
 * @param dnsServer MX mode: resolver as host or host:port; the system resolver when unset
 * @param idleTimeout a pooled connection idle this long is closed
 * @param maxLifetime a pooled connection is not reused past this age
 * @param mxPort MX mode: the port of receiving servers (25; another one only for tests)
 * @param mxCacheTtl MX mode: how long a domain's resolved route is reused; below it, DNS answers
 * are cached for their own TTL
 * @param throttle how a destination that signals throttling is slowed down
 */
@ConfigurationProperties("mailroom.relay")
public record RelayProperties(@DefaultValue("smarthost") String mode, String host, @DefaultValue("25") int port,
		@DefaultValue("starttls-opportunistic") String tls, String username, String password,
		@DefaultValue("false") boolean allowPlaintextAuth, Resource trustStore, String trustStorePassword,
		@DefaultValue("10") int maxConnections, String heloName, String dnsServer,
		@DefaultValue("60s") Duration idleTimeout, @DefaultValue("10m") Duration maxLifetime,
		@DefaultValue("25") int mxPort, @DefaultValue("60s") Duration mxCacheTtl, @DefaultValue Throttle throttle) {

	public RelayProperties {
		if (maxConnections < 1) {
			throw new IllegalArgumentException("mailroom.relay.max-connections must be at least 1");
		}
	}

	public boolean mxMode() {
		return "mx".equalsIgnoreCase(mode);
	}

	/**
	 * @param pause how long a destination rests after a throttling reply (doubling for each further
	 * episode before it has recovered)
	 * @param maxPause the longest rest
	 * @param successesPerStep deliveries that give a throttled destination one connection back
	 */
	public record Throttle(@DefaultValue("30s") Duration pause, @DefaultValue("5m") Duration maxPause,
			@DefaultValue("10") int successesPerStep) {
	}

}
