package io.mailroom.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

import io.mailroom.common.HostName;
import io.mailroom.smtp.MxResolver;
import io.mailroom.smtp.SmtpClient;
import io.mailroom.smtp.SmtpClientSettings;
import io.mailroom.smtp.SmtpConnection;
import io.mailroom.smtp.SmtpConnectionPool;
import io.mailroom.smtp.SmtpTimeouts;
import io.mailroom.smtp.TlsMode;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.util.StringUtils;

@Configuration(proxyBeanMethods = false)
class DeliveryConfiguration {

	/** How long the health indicator lets the relay go unobserved before it checks it itself. */
	private static final Duration HEALTH_CHECK_AFTER = Duration.ofSeconds(60);

	/** Consecutive failed sessions (to any domain) before MX delivery as a whole counts as down. */
	private static final int MX_FAILURES_FOR_DOWN = 10;

	private static final Duration DNS_TIMEOUT = Duration.ofSeconds(5);

	/** Where smarthost mode sends: the configured relay, or the local capture server in local runs. */
	record Smarthost(String host, int port) {

		@Override
		public String toString() {
			return host + ":" + port;
		}

	}

	@Bean
	RetryLadder retryLadder(DeliveryProperties properties) {
		return new RetryLadder(properties.retry(), new SecureRandom());
	}

	/**
	 * The settings every session starts from. A smarthost is authenticated (AUTH, verified
	 * certificate). MX hosts get no credentials, and under opportunistic TLS their certificates are
	 * not verified (RFC 7435): most do not name the MX host, and refusing them would only push the
	 * mail back to plaintext.
	 */
	@Bean
	SmtpClient smtpClient(RelayProperties relay, SmtpProperties smtp) {
		TlsMode tlsMode = tlsMode(relay.tls());
		SmtpClientSettings settings = SmtpClientSettings
			.defaults(StringUtils.hasText(relay.heloName()) ? relay.heloName() : HostName.local())
			.withTlsMode(tlsMode)
			.withTimeouts(smtp.timeouts())
			.withAllowPlaintextAuth(relay.allowPlaintextAuth());
		if (relay.trustStore() != null) {
			settings = settings.withSslContext(sslContext(relay.trustStore(), relay.trustStorePassword()));
		}
		if (relay.mxMode()) {
			return new SmtpClient(
					tlsMode == TlsMode.STARTTLS_OPPORTUNISTIC ? settings.withoutCertificateVerification() : settings);
		}
		if (StringUtils.hasText(relay.username())) {
			settings = settings.withCredentials(relay.username(), relay.password());
		}
		return new SmtpClient(settings);
	}

	/** Sessions shared by all sender threads; closed (QUIT) when the application stops. */
	@Bean(destroyMethod = "close")
	SmtpConnectionPool smtpConnectionPool(SmtpClient client, RelayProperties relay) {
		return new SmtpConnectionPool(client.settings(),
				SmtpConnectionPool.Settings.defaults()
					.withMaxConnectionsPerDestination(relay.maxConnections())
					.withIdleTimeout(relay.idleTimeout())
					.withMaxLifetime(relay.maxLifetime()));
	}

	@Bean
	DestinationThrottle destinationThrottle(RelayProperties relay, Clock clock) {
		RelayProperties.Throttle throttle = relay.throttle();
		return new DestinationThrottle(new DestinationThrottle.Settings(relay.maxConnections(), throttle.pause(),
				throttle.maxPause(), throttle.successesPerStep()), clock);
	}

	/** {@code relay} in /actuator/health (see application.yml: not in the readiness group). */
	@Bean
	RelayHealthIndicator relayHealthIndicator(RelayProperties relay, SmtpClient client,
			ObjectProvider<FallbackRelay> fallback, Clock clock) {
		if (relay.mxMode()) {
			return new RelayHealthIndicator("mx", "MX", null, HEALTH_CHECK_AFTER, MX_FAILURES_FOR_DOWN, clock);
		}
		Smarthost smarthost = smarthost(relay, fallback);
		// a quick look, not a delivery: short limits so that a health request never hangs for minutes
		SmtpClient checking = new SmtpClient(
				client.settings().withTimeouts(SmtpTimeouts.uniform(Duration.ofSeconds(10))));
		RelayHealthIndicator.ReachabilityCheck check = () -> {
			try (SmtpConnection connection = checking.connect(smarthost.host(), smarthost.port())) {
				return connection.remoteHost();
			}
		};
		return new RelayHealthIndicator("smarthost", smarthost.toString(), check, HEALTH_CHECK_AFTER, 1, clock);
	}

	@Bean
	Relay relay(RelayProperties relay, SmtpClient client, SmtpConnectionPool pool,
			ObjectProvider<FallbackRelay> fallback, Clock clock, SmtpTimers timers, RelayHealthIndicator health) {
		TlsMode tlsMode = client.settings().tlsMode();
		if (relay.mxMode()) {
			return new MxRelay(pool, mxResolver(relay), relay.mxPort(), tlsMode, relay.mxCacheTtl(),
					relay.maxConnections(), clock, timers, health);
		}
		Smarthost smarthost = smarthost(relay, fallback);
		return new SmarthostRelay(pool, new SmtpConnectionPool.Destination(smarthost.host(), smarthost.port(), tlsMode),
				relay.maxConnections(), clock, timers, health);
	}

	@Bean
	DkimProperties dkimProperties(Environment environment) {
		return DkimProperties.from(environment);
	}

	private static Smarthost smarthost(RelayProperties relay, ObjectProvider<FallbackRelay> fallback) {
		if (StringUtils.hasText(relay.host())) {
			return new Smarthost(relay.host(), relay.port());
		}
		FallbackRelay local = fallback.getIfAvailable();
		if (local == null) {
			throw new IllegalStateException(
					"mailroom.relay.host (MAILROOM_RELAY_HOST) must be set, or mailroom.relay.mode=mx");
		}
		return new Smarthost(local.host(), local.port());
	}

	/** {@code mailroom.relay.dns-server} as {@code host}, {@code host:port} or {@code [v6]:port}. */
	static MxResolver mxResolver(RelayProperties relay) {
		String server = relay.dnsServer();
		if (!StringUtils.hasText(server)) {
			return MxResolver.system(DNS_TIMEOUT);
		}
		return new MxResolver(List.of(dnsServer(server.trim())), DNS_TIMEOUT);
	}

	static InetSocketAddress dnsServer(String server) {
		String host = server;
		int port = 53;
		if (server.startsWith("[")) {
			int end = server.indexOf(']');
			host = server.substring(1, end);
			if (server.length() > end + 2 && server.charAt(end + 1) == ':') {
				port = Integer.parseInt(server.substring(end + 2));
			}
		}
		else if (server.indexOf(':') == server.lastIndexOf(':') && server.indexOf(':') > 0) {
			host = server.substring(0, server.indexOf(':'));
			port = Integer.parseInt(server.substring(server.indexOf(':') + 1));
		}
		// an address, not a name to look up: the resolver's own address cannot come from DNS
		return new InetSocketAddress(host, port);
	}

	static TlsMode tlsMode(String text) {
		return switch (text.toLowerCase(Locale.ROOT)) {
			case "none" -> TlsMode.NONE;
			case "starttls-opportunistic" -> TlsMode.STARTTLS_OPPORTUNISTIC;
			case "starttls-required" -> TlsMode.STARTTLS_REQUIRED;
			case "implicit" -> TlsMode.IMPLICIT;
			default -> throw new IllegalArgumentException("mailroom.relay.tls must be none, starttls-opportunistic, "
					+ "starttls-required or implicit, not '" + text + "'");
		};
	}

	/**
	 * Trusts the JVM's CAs and those of the configured trust store: a relay with a private CA is
	 * trusted without dropping the public ones (a smarthost behind a public certificate, or MX
	 * hosts with required TLS).
	 */
	static SSLContext sslContext(Resource trustStore, String trustStorePassword) {
		try (InputStream in = trustStore.getInputStream()) {
			KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
			char[] password = trustStorePassword == null ? null : trustStorePassword.toCharArray();
			store.load(in, password);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, new TrustManager[] { CompositeTrustManager.jvmDefaultsAnd(store) }, null);
			return context;
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException("Could not load mailroom.relay.trust-store", ex);
		}
	}

}
