package io.mailroom.bounce;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Inbound bounces and the suppression list ({@code mailroom.bounce.*}; {@code mailroom.bounce.domain}
 * belongs to delivery's return path).
 *
 * @param maxMessageSize inbound messages larger than this are refused (HTTP 413, SMTP 552)
 * @param maxStoredSize how much of each inbound message is kept in {@code inbound_message}
 * @param parseTimeout how long the reader may take over one message before it is stored unread
 * @param parseThreads how many messages are read at once; more wait, within the timeout
 * @param inboundRetention how long stored inbound messages are kept
 * @param softBounces when repeated soft bounces suppress an address for a while
 * @param smtp the inbound SMTP listener
 */
@ConfigurationProperties("mailroom.bounce")
public record BounceProperties(@DefaultValue("10MB") DataSize maxMessageSize,
		@DefaultValue("1MB") DataSize maxStoredSize, @DefaultValue("10s") Duration parseTimeout,
		@DefaultValue("2") int parseThreads, @DefaultValue("30d") Duration inboundRetention,
		@DefaultValue SoftBounces softBounces, @DefaultValue Smtp smtp) {

	public BounceProperties {
		if (parseThreads < 1) {
			throw new IllegalArgumentException("mailroom.bounce.parse-threads must be at least 1");
		}
		if (maxMessageSize.toBytes() > Integer.MAX_VALUE - 8) {
			throw new IllegalArgumentException("mailroom.bounce.max-message-size must be below 2 GB");
		}
	}

	/**
	 * @param threshold this many soft bounces of one address…
	 * @param window …within this period…
	 * @param suppressFor …suppress it for this long
	 */
	public record SoftBounces(@DefaultValue("5") int threshold, @DefaultValue("7d") Duration window,
			@DefaultValue("24h") Duration suppressFor) {
	}

	/**
	 * @param port the listener's port; 0 (the default) leaves it off
	 * @param bindAddress the address it listens on
	 * @param maxConnections concurrent SMTP sessions
	 */
	public record Smtp(@DefaultValue("0") int port, @DefaultValue("0.0.0.0") String bindAddress,
			@DefaultValue("20") int maxConnections) {

		public boolean enabled() {
			return port > 0;
		}

	}

}
