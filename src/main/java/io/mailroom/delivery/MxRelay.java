package io.mailroom.delivery;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.mailroom.smtp.MxResolver;
import io.mailroom.smtp.MxResolver.MxHost;
import io.mailroom.smtp.MxResolver.MxRoute;
import io.mailroom.smtp.SmtpConnectionPool;
import io.mailroom.smtp.SmtpConnectionPool.Destination;
import io.mailroom.smtp.SmtpException;
import io.mailroom.smtp.SmtpReply;
import io.mailroom.smtp.TlsMode;

/**
 * Direct delivery (SPEC §3 {@code mx} mode): each recipient goes to the MX hosts of its domain,
 * tried in preference order (RFC 5321 §5.1). A host that cannot be reached, times out, fails TLS or
 * greets with anything but 220 moves us on to the next. A domain that accepts no mail (null MX,
 * RFC 7505) or does not exist is bounced without connecting anywhere. Sessions are pooled per MX
 * host, so domains that share their MX hosts share connections too.
 */
class MxRelay extends PooledRelay {

	private static final int MAX_CACHED_DOMAINS = 10_000;

	private record CachedRoute(MxRoute route, Instant expiresAt) {
	}

	private final MxResolver resolver;

	private final int port;

	private final TlsMode tlsMode;

	private final Duration cacheTtl;

	private final Clock clock;

	private final Map<String, CachedRoute> routes = new ConcurrentHashMap<>();

	MxRelay(SmtpConnectionPool pool, MxResolver resolver, int port, TlsMode tlsMode, Duration cacheTtl,
			int maxConnections, Clock clock, SmtpTimers timers, RelayHealthIndicator health) {
		super(pool, clock, timers, health, maxConnections);
		this.resolver = resolver;
		this.port = port;
		this.tlsMode = tlsMode;
		this.cacheTtl = cacheTtl;
		this.clock = clock;
	}

	@Override
	protected Connected connect(ClaimedRecipient recipient) throws SmtpException {
		MxRoute route = route(domainOf(recipient));
		if (!route.isDeliverable()) {
			SmtpReply reply = route.failureReply();
			throw new SmtpException(SmtpException.Kind.PERMANENT, reply.text(), reply, "* " + reply + "\n", null);
		}
		List<SmtpException> failures = new ArrayList<>();
		StringBuilder transcript = new StringBuilder();
		for (MxHost host : route.hosts()) {
			for (InetAddress address : host.addresses()) {
				try {
					SmtpConnectionPool.Lease lease = pool.borrow(destinationOf(host.name()), address);
					return new Connected(lease, host.name(), transcript.toString());
				}
				catch (SmtpException ex) {
					if (ex.kind() == SmtpException.Kind.AUTH || ex.kind() == SmtpException.Kind.PERMANENT) {
						throw ex;
					}
					failures.add(ex);
					transcript.append(ex.transcript());
				}
			}
		}
		SmtpException last = failures.get(failures.size() - 1);
		SmtpException all = new SmtpException(last.kind(), "no MX host of " + route.domain()
				+ " accepted a session (" + failures.size() + " tried); last: " + last.getMessage(), last.reply(),
				transcript.toString(), last);
		failures.subList(0, failures.size() - 1).forEach(all::addSuppressed);
		throw all;
	}

	@Override
	protected String hostOf(ClaimedRecipient recipient) {
		CachedRoute cached = routes.get(domainOf(recipient));
		if (cached != null && !cached.route().hosts().isEmpty()) {
			return cached.route().hosts().get(0).name();
		}
		return domainOf(recipient);
	}

	@Override
	public String destination(ClaimedRecipient recipient) {
		return domainOf(recipient);
	}

	@Override
	public Optional<String> onlyDestination() {
		return Optional.empty();
	}

	/**
	 * Applies a throttled domain's limit to the MX hosts it was routed to. Hosts serve several
	 * domains at times (one provider's customers); such a host takes the limit set last.
	 */
	@Override
	public void limitConnections(String domain, int limit) {
		CachedRoute cached = routes.get(domain);
		if (cached == null) {
			return;
		}
		for (MxHost host : cached.route().hosts()) {
			pool.setConnectionLimit(destinationOf(host.name()), limit);
		}
	}

	/**
	 * The domain's route, from a short-lived cache: a burst of mail to one domain resolves it once.
	 * DNS failures are not cached, so the next recipient asks again.
	 */
	MxRoute route(String domain) throws SmtpException {
		Instant now = clock.instant();
		CachedRoute cached = routes.get(domain);
		if (cached != null && now.isBefore(cached.expiresAt())) {
			return cached.route();
		}
		MxRoute route = domain.startsWith("[") ? addressLiteral(domain) : resolver.resolve(domain);
		if (routes.size() >= MAX_CACHED_DOMAINS) {
			routes.values().removeIf(c -> !now.isBefore(c.expiresAt()));
			if (routes.size() >= MAX_CACHED_DOMAINS) {
				routes.clear();
			}
		}
		routes.put(domain, new CachedRoute(route, now.plus(cacheTtl)));
		return route;
	}

	private Destination destinationOf(String host) {
		return new Destination(host, port, tlsMode);
	}

	private static String domainOf(ClaimedRecipient recipient) {
		String domain = recipient.domain();
		if (domain == null || domain.isEmpty()) {
			domain = recipient.email().substring(recipient.email().lastIndexOf('@') + 1);
		}
		return domain.toLowerCase(Locale.ROOT);
	}

	/** {@code user@[192.0.2.1]}: RFC 5321 §5.1, the address is the mail host; no DNS is asked. */
	private static MxRoute addressLiteral(String domain) throws SmtpException {
		String literal = domain.substring(1, domain.length() - 1);
		try {
			InetAddress address = InetAddress.getByName(literal);
			return new MxRoute(domain, MxRoute.Status.ADDRESS_FALLBACK, List.of(new MxHost(literal, 0, List.of(address))));
		}
		catch (UnknownHostException ex) {
			SmtpReply reply = new SmtpReply(553, "5.1.2", List.of("not an address literal: " + domain));
			throw new SmtpException(SmtpException.Kind.PERMANENT, reply.text(), reply, "", ex);
		}
	}

}
