package io.mailroom.delivery;

import java.time.Clock;
import java.util.Optional;

import io.mailroom.smtp.SmtpConnectionPool;
import io.mailroom.smtp.SmtpConnectionPool.Destination;
import io.mailroom.smtp.SmtpException;

/**
 * Relays everything to one smarthost over pooled sessions: at most
 * {@code mailroom.relay.max-connections} of them, fewer while the smarthost throttles us.
 */
class SmarthostRelay extends PooledRelay {

	private final Destination destination;

	private final String name;

	SmarthostRelay(SmtpConnectionPool pool, Destination destination, int maxConnections, Clock clock,
			SmtpTimers timers, RelayHealthIndicator health) {
		super(pool, clock, timers, health, maxConnections);
		this.destination = destination;
		this.name = destination.host() + ":" + destination.port();
	}

	@Override
	protected Connected connect(ClaimedRecipient recipient) throws SmtpException {
		return new Connected(pool.borrow(destination), destination.host(), "");
	}

	@Override
	protected String hostOf(ClaimedRecipient recipient) {
		return destination.host();
	}

	@Override
	public String destination(ClaimedRecipient recipient) {
		return name;
	}

	@Override
	public Optional<String> onlyDestination() {
		return Optional.of(name);
	}

	@Override
	public void limitConnections(String destination, int limit) {
		pool.setConnectionLimit(this.destination, limit);
	}

}
