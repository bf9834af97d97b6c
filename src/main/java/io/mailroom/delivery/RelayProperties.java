package io.mailroom.delivery;

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
 */
@ConfigurationProperties("mailroom.relay")
public record RelayProperties(@DefaultValue("smarthost") String mode, String host, @DefaultValue("25") int port,
		@DefaultValue("starttls-opportunistic") String tls, String username, String password,
		@DefaultValue("false") boolean allowPlaintextAuth, Resource trustStore, String trustStorePassword,
		@DefaultValue("10") int maxConnections, String heloName, String dnsServer) {
}
