package io.mailroom.delivery;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The delivery worker (SPEC §3).
 *
 * @param enabled whether this instance delivers (an API-only instance can turn it off)
 * @param pollInterval fallback poll when no NOTIFY arrives (scheduled messages become due this way)
 * @param batchSize recipients claimed per statement, and held waiting for a sender
 * @param lease how long a claim is held; a crashed instance's work is picked up after it
 * @param retry the retry ladder and the maximum age
 * @param senders sender threads, i.e. SMTP sessions in flight at once over all destinations;
 * {@code mailroom.relay.max-connections} when unset (raise it in MX mode, where there are many
 * destinations)
 * @param queueBytes MIME bytes claimed and waiting for a sender (with 7 MB of attachments allowed
 * per message, a batch of large messages would not fit in the heap); sent messages are not held
 */
@ConfigurationProperties("mailroom.delivery")
public record DeliveryProperties(@DefaultValue("true") boolean enabled, @DefaultValue("1s") Duration pollInterval,
		@DefaultValue("250") int batchSize, @DefaultValue("5m") Duration lease, @DefaultValue Retry retry,
		Integer senders, @DefaultValue("32MB") DataSize queueBytes) {

	/**
	 * @param ladder delays between attempts; the last one repeats
	 * @param maxAge a recipient still not delivered this long after acceptance is failed
	 * @param jitter the ± share by which each delay is spread
	 */
	public record Retry(@DefaultValue({ "1m", "5m", "15m", "30m", "1h", "2h", "4h", "8h" }) List<Duration> ladder,
			@DefaultValue("48h") Duration maxAge, @DefaultValue("0.15") double jitter) {
	}

}
