package io.mailroom.smtp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import io.mailroom.smtp.SmtpException.Kind;

/**
 * Finds where mail for a domain goes (RFC 5321 §5.1): MX hosts by preference (equal preferences
 * shuffled), the domain's own A/AAAA when it has no MX, and the null MX of RFC 7505. Uses dnsjava
 * against a configurable DNS server, so that tests (and deployments with a local resolver) can
 * choose it. Thread-safe.
 */
public final class MxResolver {

	/** One host to try, with its addresses (IPv4 first: not every host has an IPv6 route). */
	public record MxHost(String name, int preference, List<InetAddress> addresses) {

		public MxHost {
			addresses = List.copyOf(addresses);
		}

	}

	/**
	 * The answer for one domain.
	 *
	 * @param hosts the hosts to try in order; empty unless {@link #isDeliverable()}
	 */
	public record MxRoute(String domain, Status status, List<MxHost> hosts) {

		public enum Status {

			/** MX records found; hosts in preference order. */
			MX,
			/** No MX records: the domain's own address is the mail host (RFC 5321 §5.1). */
			ADDRESS_FALLBACK,
			/** RFC 7505 null MX: the domain accepts no mail. */
			NULL_MX,
			/** The domain does not exist (NXDOMAIN). */
			NO_SUCH_DOMAIN,
			/** The domain exists but has neither MX nor address records. */
			NO_MAIL_HOST

		}

		public MxRoute {
			hosts = List.copyOf(hosts);
		}

		public boolean isDeliverable() {
			return status == Status.MX || status == Status.ADDRESS_FALLBACK;
		}

		/** The permanent failure to record for recipients of an undeliverable domain, else null. */
		public SmtpReply failureReply() {
			return switch (status) {
				case MX, ADDRESS_FALLBACK -> null;
				// RFC 7505 §4.2 suggests 556 with 5.1.10
				case NULL_MX -> new SmtpReply(556, "5.1.10",
						List.of("domain " + domain + " does not accept mail (null MX, RFC 7505)"));
				case NO_SUCH_DOMAIN -> new SmtpReply(550, "5.1.2", List.of("domain " + domain + " does not exist"));
				case NO_MAIL_HOST -> new SmtpReply(550, "5.1.2",
						List.of("domain " + domain + " has no MX and no address records"));
			};
		}

	}

	private final Resolver resolver;

	private final Cache cache = new Cache(DClass.IN);

	/** Asks the DNS server at {@code host:port}. */
	public MxResolver(String host, int port, Duration timeout) {
		this(List.of(new InetSocketAddress(host, port)), timeout);
	}

	/** Asks the given DNS servers, one after the other on failure. */
	public MxResolver(List<InetSocketAddress> servers, Duration timeout) {
		Objects.requireNonNull(timeout, "timeout");
		if (servers.isEmpty()) {
			throw new IllegalArgumentException("at least one DNS server is needed");
		}
		if (servers.size() == 1) {
			SimpleResolver simple = new SimpleResolver(servers.get(0));
			simple.setTimeout(timeout);
			this.resolver = simple;
		}
		else {
			List<Resolver> resolvers = new ArrayList<>();
			for (InetSocketAddress server : servers) {
				SimpleResolver simple = new SimpleResolver(server);
				simple.setTimeout(timeout);
				resolvers.add(simple);
			}
			ExtendedResolver extended = new ExtendedResolver(resolvers);
			extended.setTimeout(timeout);
			this.resolver = extended;
		}
	}

	/** Asks the servers of the system configuration (/etc/resolv.conf). */
	public static MxResolver system(Duration timeout) {
		return new MxResolver(new ExtendedResolver(), timeout);
	}

	private MxResolver(Resolver resolver, Duration timeout) {
		resolver.setTimeout(timeout);
		this.resolver = resolver;
	}

	/**
	 * @throws SmtpException {@link Kind#CONNECT} when DNS gives no answer now (server failure,
	 * timeout): the caller retries later
	 */
	public MxRoute resolve(String domain) throws SmtpException {
		String ascii = asciiDomain(domain);
		Name name = name(ascii, domain);
		Lookup mx = lookup(name, Type.MX);
		switch (mx.getResult()) {
			case Lookup.SUCCESSFUL:
				return fromMx(domain, mx.getAnswers());
			case Lookup.HOST_NOT_FOUND:
				return new MxRoute(domain, MxRoute.Status.NO_SUCH_DOMAIN, List.of());
			case Lookup.TYPE_NOT_FOUND:
				List<InetAddress> own = addresses(name);
				if (own.isEmpty()) {
					return new MxRoute(domain, MxRoute.Status.NO_MAIL_HOST, List.of());
				}
				return new MxRoute(domain, MxRoute.Status.ADDRESS_FALLBACK, List.of(new MxHost(ascii, 0, own)));
			default:
				throw dnsFailure("MX lookup for " + domain + " failed: " + mx.getErrorString());
		}
	}

	private MxRoute fromMx(String domain, Record[] answers) throws SmtpException {
		List<MXRecord> records = new ArrayList<>();
		for (Record record : answers) {
			if (record instanceof MXRecord mxRecord) {
				records.add(mxRecord);
			}
		}
		List<MXRecord> real = records.stream().filter(r -> !r.getTarget().equals(Name.root)).toList();
		if (real.isEmpty()) {
			// RFC 7505 §3: a single MX with preference 0 and target "."; ill-formed variants are
			// treated the same, since they name no host either
			return new MxRoute(domain, MxRoute.Status.NULL_MX, List.of());
		}
		// shuffle first, then a stable sort: equal preferences end up in random order (§5.1)
		List<MXRecord> ordered = new ArrayList<>(real);
		Collections.shuffle(ordered, ThreadLocalRandom.current());
		ordered.sort(Comparator.comparingInt(MXRecord::getPriority));
		Map<String, MxHost> hosts = new LinkedHashMap<>();
		for (MXRecord record : ordered) {
			String host = hostName(record.getTarget());
			if (!hosts.containsKey(host)) {
				List<InetAddress> addresses = addresses(record.getTarget());
				if (!addresses.isEmpty()) {
					hosts.put(host, new MxHost(host, record.getPriority(), addresses));
				}
			}
		}
		if (hosts.isEmpty()) {
			throw dnsFailure("no MX host of " + domain + " has an address");
		}
		return new MxRoute(domain, MxRoute.Status.MX, new ArrayList<>(hosts.values()));
	}

	private List<InetAddress> addresses(Name name) throws SmtpException {
		List<InetAddress> addresses = new ArrayList<>();
		Lookup a = lookup(name, Type.A);
		Lookup aaaa = lookup(name, Type.AAAA);
		if (a.getResult() == Lookup.TRY_AGAIN && aaaa.getResult() == Lookup.TRY_AGAIN) {
			throw dnsFailure("address lookup for " + hostName(name) + " failed: " + a.getErrorString());
		}
		if (a.getResult() == Lookup.SUCCESSFUL) {
			for (Record record : a.getAnswers()) {
				if (record instanceof ARecord aRecord) {
					addresses.add(aRecord.getAddress());
				}
			}
		}
		if (aaaa.getResult() == Lookup.SUCCESSFUL) {
			for (Record record : aaaa.getAnswers()) {
				if (record instanceof AAAARecord aaaaRecord) {
					addresses.add(aaaaRecord.getAddress());
				}
			}
		}
		return addresses;
	}

	private Lookup lookup(Name name, int type) {
		Lookup lookup = new Lookup(name, type, DClass.IN);
		lookup.setResolver(resolver);
		lookup.setCache(cache);
		lookup.setSearchPath(List.of());
		// only DNS decides where mail goes, not this machine's /etc/hosts
		lookup.setHostsFileParser(null);
		lookup.run();
		return lookup;
	}

	private static String asciiDomain(String domain) {
		String trimmed = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
		try {
			// RFC 6531 addresses may carry U-labels; DNS needs A-labels
			return java.net.IDN.toASCII(trimmed, java.net.IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
		}
		catch (IllegalArgumentException ex) {
			return trimmed.toLowerCase(Locale.ROOT);
		}
	}

	private static Name name(String ascii, String original) throws SmtpException {
		try {
			return Name.fromString(ascii + ".");
		}
		catch (TextParseException ex) {
			throw new SmtpException(Kind.PERMANENT, "not a domain name: " + original,
					new SmtpReply(553, "5.1.2", List.of("not a domain name: " + original)), "", ex);
		}
	}

	private static String hostName(Name name) {
		String text = name.toString(true);
		return text.toLowerCase(Locale.ROOT);
	}

	private static SmtpException dnsFailure(String message) {
		return new SmtpException(Kind.CONNECT, message, null, "* " + message + "\n", null);
	}

}
