package io.mailroom.delivery;

/**
 * A relay to use when {@code mailroom.relay.host} is not configured: the local capture server in
 * local runs. Production configurations always name a relay (or use MX mode).
 */
public interface FallbackRelay {

	String host();

	int port();

}
