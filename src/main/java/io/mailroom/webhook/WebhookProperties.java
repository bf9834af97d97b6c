package io.mailroom.webhook;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Webhooks (SPEC §2 "Webhooks", §6).
 *
 * @param allowPrivateTargets allow endpoint URLs on loopback, private, link-local and similar
 * addresses (the SSRF guard is on unless this is true; local runs and tests turn it off)
 * @param dispatch whether this instance sends webhooks (an API-only instance can turn it off)
 * @param concurrency HTTP requests this instance has in flight at most
 * @param pollInterval fallback poll when no NOTIFY arrives (retries become due this way)
 * @param timeout a delivery that has not answered 2xx within this time failed
 * @param retrySchedule delays after the 1st, 2nd, … failed attempt; after the last one the
 * delivery gives up
 * @param jitter the ± share by which each retry delay is spread
 * @param disableAfter an endpoint whose deliveries fail continuously this long is disabled
 * @param secretOverlap after a rotation the previous secret keeps signing this long
 * @param batchSize events fanned out, and deliveries claimed at most, per statement
 * @param lease how long a claimed delivery is held; a crashed instance's claims are retried after it
 */
@ConfigurationProperties("mailroom.webhook")
public record WebhookProperties(@DefaultValue("false") boolean allowPrivateTargets,
		@DefaultValue("true") boolean dispatch, @DefaultValue("8") int concurrency,
		@DefaultValue("1s") Duration pollInterval, @DefaultValue("10s") Duration timeout,
		@DefaultValue({ "5s", "5m", "30m", "2h", "5h", "10h", "14h", "20h", "24h" }) List<Duration> retrySchedule,
		@DefaultValue("0.1") double jitter, @DefaultValue("5d") Duration disableAfter,
		@DefaultValue("24h") Duration secretOverlap, @DefaultValue("100") int batchSize,
		@DefaultValue("1m") Duration lease) {

	public WebhookProperties {
		if (concurrency < 1) {
			throw new IllegalArgumentException("mailroom.webhook.concurrency must be at least 1");
		}
		if (retrySchedule.isEmpty()) {
			throw new IllegalArgumentException("mailroom.webhook.retry-schedule needs at least one delay");
		}
		if (lease.compareTo(timeout.multipliedBy(2)) < 0) {
			// A claim must outlive the request it covers, or a slow receiver gets it twice.
			throw new IllegalArgumentException("mailroom.webhook.lease must be at least twice mailroom.webhook.timeout");
		}
	}

}
