package io.mailroom.message;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How single {@code POST /messages} requests are stored (see {@link GroupCommit}).
 * @param writers {@code mailroom.accept.writers}: threads that each commit one group at a time
 * @param maxGroup {@code mailroom.accept.max-group}: the most messages stored in one transaction
 * @param storeTimeout {@code mailroom.accept.store-timeout}: how long a request waits for its
 * group's commit before it is answered with an error
 */
@ConfigurationProperties("mailroom.accept")
public record AcceptProperties(@DefaultValue("2") int writers, @DefaultValue("100") int maxGroup,
		@DefaultValue("30s") Duration storeTimeout) {

	public AcceptProperties {
		if (writers < 1 || maxGroup < 1) {
			throw new IllegalArgumentException("mailroom.accept.writers and mailroom.accept.max-group must be at least 1");
		}
	}

}
