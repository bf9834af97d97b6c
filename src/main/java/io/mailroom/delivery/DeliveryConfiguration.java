package io.mailroom.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Locale;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import io.mailroom.common.HostName;
import io.mailroom.smtp.SmtpClient;
import io.mailroom.smtp.SmtpClientSettings;
import io.mailroom.smtp.TlsMode;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

@Configuration(proxyBeanMethods = false)
class DeliveryConfiguration {

	@Bean
	RetryLadder retryLadder(DeliveryProperties properties) {
		return new RetryLadder(properties.retry(), new SecureRandom());
	}

	@Bean
	SmtpClient smtpClient(RelayProperties relay) {
		SmtpClientSettings settings = SmtpClientSettings
			.defaults(StringUtils.hasText(relay.heloName()) ? relay.heloName() : HostName.local())
			.withTlsMode(tlsMode(relay.tls()))
			.withAllowPlaintextAuth(relay.allowPlaintextAuth());
		if (StringUtils.hasText(relay.username())) {
			settings = settings.withCredentials(relay.username(), relay.password());
		}
		if (relay.trustStore() != null) {
			settings = settings.withSslContext(sslContext(relay));
		}
		return new SmtpClient(settings);
	}

	@Bean
	Relay relay(RelayProperties relay, SmtpClient client, ObjectProvider<FallbackRelay> fallback, Clock clock,
			SmtpTimers timers) {
		if ("mx".equalsIgnoreCase(relay.mode())) {
			throw new IllegalStateException("mailroom.relay.mode=mx is not available yet");
		}
		if (StringUtils.hasText(relay.host())) {
			return new SmarthostRelay(client, relay.host(), relay.port(), clock, timers);
		}
		FallbackRelay local = fallback.getIfAvailable();
		if (local == null) {
			throw new IllegalStateException(
					"mailroom.relay.host (MAILROOM_RELAY_HOST) must be set, or mailroom.relay.mode=mx");
		}
		return new SmarthostRelay(client, local.host(), local.port(), clock, timers);
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

	/** Trusts the CAs of the configured trust store (for relays with a private CA). */
	private static SSLContext sslContext(RelayProperties relay) {
		try (InputStream in = relay.trustStore().getInputStream()) {
			KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
			char[] password = relay.trustStorePassword() == null ? null : relay.trustStorePassword().toCharArray();
			store.load(in, password);
			TrustManagerFactory extra = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			extra.init(store);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, extra.getTrustManagers(), null);
			return context;
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException("Could not load mailroom.relay.trust-store", ex);
		}
	}

}
