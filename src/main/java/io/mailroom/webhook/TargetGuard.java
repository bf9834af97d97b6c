package io.mailroom.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;

/**
 * The SSRF guard: webhook URLs may only reach public http(s) servers, or a caller could make
 * mailroom probe its own network (databases, admin ports, the cloud metadata service at
 * 169.254.169.254). The host is resolved and every address checked, when an endpoint is saved and
 * again immediately before each request.
 * <p>
 * The JDK's {@code HttpClient} resolves the name once more when it connects, so a DNS answer
 * that changes between our check and its connect (DNS rebinding) is not excluded by this alone.
 * The window is small: both look-ups go through the JVM's address cache ({@code
 * networkaddress.cache.ttl}, 30 s by default), so the connect normally reuses the answer just
 * checked. Redirects are never followed, so a public server cannot bounce a request inward.
 */
final class TargetGuard {

	/** Thrown when a URL is not an acceptable webhook target; the message says why. */
	static final class RefusedTarget extends Exception {

		RefusedTarget(String message) {
			super(message);
		}

	}

	/** Turns host names into addresses; tests replace it to simulate DNS answers. */
	interface Resolver {

		InetAddress[] resolve(String host) throws UnknownHostException;

	}

	private final boolean allowPrivate;

	private final Resolver resolver;

	TargetGuard(boolean allowPrivate) {
		this(allowPrivate, InetAddress::getAllByName);
	}

	TargetGuard(boolean allowPrivate, Resolver resolver) {
		this.allowPrivate = allowPrivate;
		this.resolver = resolver;
	}

	/** Checks the URL's form only (scheme, host, no credentials); no DNS look-up. */
	static URI parse(String url) throws RefusedTarget {
		URI uri;
		try {
			uri = new URI(url);
		}
		catch (java.net.URISyntaxException ex) {
			throw new RefusedTarget("is not a valid URL");
		}
		String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
		if (!scheme.equals("http") && !scheme.equals("https")) {
			throw new RefusedTarget("must be an http or https URL");
		}
		if (uri.getHost() == null || uri.getHost().isEmpty()) {
			throw new RefusedTarget("must name a host");
		}
		if (uri.getRawUserInfo() != null) {
			// HttpClient would silently drop them; better to say so than to send unauthenticated.
			throw new RefusedTarget("must not contain credentials (user:password@)");
		}
		if (uri.getRawFragment() != null) {
			throw new RefusedTarget("must not contain a fragment (#…)");
		}
		return uri;
	}

	/** Checks form and, unless private targets are allowed, every address the host resolves to. */
	URI check(String url) throws RefusedTarget {
		URI uri = parse(url);
		if (allowPrivate) {
			return uri;
		}
		String host = uri.getHost();
		if (host.startsWith("[") && host.endsWith("]")) {
			host = host.substring(1, host.length() - 1);
		}
		InetAddress[] addresses;
		try {
			addresses = resolver.resolve(host);
		}
		catch (UnknownHostException ex) {
			throw new RefusedTarget("host " + host + " does not resolve");
		}
		for (InetAddress address : addresses) {
			String kind = forbidden(address);
			if (kind != null) {
				throw new RefusedTarget("resolves to " + kind + " address " + address.getHostAddress()
						+ " (private targets are not allowed: mailroom.webhook.allow-private-targets)");
			}
		}
		return uri;
	}

	/** What kind of non-public address this is, or null for a public one. */
	static String forbidden(InetAddress address) {
		if (address.isAnyLocalAddress()) {
			return "an unspecified";
		}
		if (address.isLoopbackAddress()) {
			return "a loopback";
		}
		if (address.isLinkLocalAddress()) {
			return "a link-local (or cloud metadata)";
		}
		if (address.isSiteLocalAddress()) {
			return "a private";
		}
		if (address.isMulticastAddress()) {
			return "a multicast";
		}
		byte[] b = address.getAddress();
		if (address instanceof Inet4Address) {
			return forbiddenIpv4(b);
		}
		if (address instanceof Inet6Address) {
			int first = b[0] & 0xff;
			if ((first & 0xfe) == 0xfc) {
				return "a unique-local";
			}
			if ((first == 0xfe) && ((b[1] & 0xc0) == 0xc0)) {
				return "a site-local";
			}
			// IPv4 embedded in IPv6 (::ffff:a.b.c.d, ::a.b.c.d, NAT64 64:ff9b::a.b.c.d) reaches the IPv4 address.
			if (isZero(b, 0, 10) && (((b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) || isZero(b, 10, 12))
					|| (b[0] == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
							&& isZero(b, 4, 12))) {
				byte[] v4 = Arrays.copyOfRange(b, 12, 16);
				try {
					String kind = forbidden(InetAddress.getByAddress(v4));
					return kind != null ? kind : forbiddenIpv4(v4);
				}
				catch (UnknownHostException ex) {
					return "an invalid";
				}
			}
		}
		return null;
	}

	private static String forbiddenIpv4(byte[] b) {
		int first = b[0] & 0xff;
		int second = b[1] & 0xff;
		if (first == 0) {
			return "an unspecified";
		}
		if (first == 100 && (second & 0xc0) == 64) {
			// RFC 6598 shared address space: carrier NAT, and some clouds' metadata (100.100.100.200).
			return "a shared (carrier-grade NAT)";
		}
		if (first == 192 && second == 0 && (b[2] & 0xff) == 0) {
			return "an IETF protocol";
		}
		if (first == 198 && (second & 0xfe) == 18) {
			return "a benchmarking";
		}
		if (first >= 240) {
			return "a reserved";
		}
		return null;
	}

	private static boolean isZero(byte[] b, int from, int to) {
		for (int i = from; i < to; i++) {
			if (b[i] != 0) {
				return false;
			}
		}
		return true;
	}

}
