package io.mailroom.retention;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long finished messages are kept (SPEC §5 "Retention").
 *
 * @param enabled whether this instance runs the retention sweep (any number may: they skip each
 * other's rows)
 * @param body the rendered body (subject stays; text, HTML and MIME go) is purged this long after
 * acceptance
 * @param metadata the message itself, its recipients, attempts and events are deleted this long
 * after acceptance
 * @param batchSize rows per statement: small, so each transaction is short and never holds up the
 * delivery worker
 * @param interval time between sweeps
 */
@ConfigurationProperties("mailroom.retention")
public record RetentionProperties(@DefaultValue("true") boolean enabled, @DefaultValue("30d") Duration body,
		@DefaultValue("180d") Duration metadata, @DefaultValue("500") int batchSize,
		@DefaultValue("1h") Duration interval) {

	public RetentionProperties {
		if (body.isNegative() || body.isZero()) {
			throw new IllegalArgumentException("mailroom.retention.body must be positive, got " + body);
		}
		if (metadata.compareTo(body) < 0) {
			throw new IllegalArgumentException("mailroom.retention.metadata (" + metadata
					+ ") must not be shorter than mailroom.retention.body (" + body + ")");
		}
		if (batchSize < 1 || batchSize > 10_000) {
			throw new IllegalArgumentException("mailroom.retention.batch-size must be 1..10000, got " + batchSize);
		}
		if (interval.isNegative() || interval.isZero()) {
			throw new IllegalArgumentException("mailroom.retention.interval must be positive, got " + interval);
		}
	}

}
