package io.mailroom.webhook;

import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class WebhookConfiguration {

	@Bean
	TargetGuard webhookTargetGuard(WebhookProperties properties) {
		return new TargetGuard(properties.allowPrivateTargets());
	}

	@Bean
	RetrySchedule webhookRetrySchedule(WebhookProperties properties) {
		return new RetrySchedule(properties.retrySchedule(), properties.jitter(), new SecureRandom());
	}

	@Bean
	WebhookSender webhookSender(WebhookProperties properties, TargetGuard guard, WebhookPayload payload, Clock clock,
			ObjectProvider<BuildProperties> build) {
		HttpClient http = WebhookSender.client(properties.timeout());
		BuildProperties info = build.getIfAvailable();
		String userAgent = "mailroom-webhooks/" + (info != null ? info.getVersion() : "dev");
		return new WebhookSender(http, guard, payload, properties.timeout(), clock, userAgent);
	}

}
