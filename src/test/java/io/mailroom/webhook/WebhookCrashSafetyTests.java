package io.mailroom.webhook;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import io.mailroom.MailroomApplication;
import io.mailroom.message.Messages;
import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.MutableClock;
import io.mailroom.support.Payloads;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The outbox survives a crash: events committed while no dispatcher runs, and a delivery whose
 * instance died mid-request, are sent by the next instance that starts on the same database.
 */
@WebhookContext
class WebhookCrashSafetyTests {

	static final WebhookReceiver receiver = new WebhookReceiver();

	@AfterAll
	static void stopReceiver() {
		receiver.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	WebhookDispatcher dispatcher;

	@Autowired
	Environment environment;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	MutableClock clock;

	@Autowired
	WebhookQueue queue;

	@Test
	void eventsLeftBehindAreSentAfterARestart() {
		clock.set(Instant.now().truncatedTo(ChronoUnit.MILLIS));
		Api api = new Api(port);
		String endpoint = api.post("/webhooks", "{\"url\": \"" + receiver.url("/crash") + "\"}").json().get("id").asString();
		String sentBefore = api.post("/messages", Payloads.orderConfirmation("before@example.com")).json().get("id").asString();
		await().atMost(Duration.ofSeconds(10)).until(() -> deliveryStatuses(api, endpoint).contains("delivered"));
		String firstWebhookId = receiver.requests("/crash").get(0).header("webhook-id");

		dispatcher.stop();
		try {
			String whileDown = api.post("/messages", Payloads.orderConfirmation("down@example.com")).json().get("id").asString();
			// Created after the event happened: it must not receive it.
			clock.advance(Duration.ofSeconds(1));
			api.post("/webhooks", "{\"url\": \"" + receiver.url("/late") + "\"}");
			// An instance that POSTed the first event and died before recording it.
			jdbc.sql("""
					update webhook_delivery set status = 'sending', claimed_by = 'crashed-instance',
					  claimed_until = now() - interval '1 minute', completed_at = null
					where message_id = ?""").param(Messages.parseId(sentBefore)).update();
			await().pollDelay(Duration.ofMillis(500)).until(() -> true);
			assertThat(receiver.requests("/crash")).hasSize(1);
			// The lag gauge's query sees the event waiting in the outbox.
			assertThat(queue.lagSeconds(clock.instant().plusSeconds(30))).isGreaterThanOrEqualTo(30);

			try (ConfigurableApplicationContext restarted = restart()) {
				await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests("/crash").size() >= 3);
				List<WebhookReceiver.Request> requests = receiver.requests("/crash");
				assertThat(requests).extracting(r -> r.json().get("data").get("messageId").asString())
					.containsExactlyInAnyOrder(sentBefore, sentBefore, whileDown);
				// The duplicate carries the same webhook-id, so the receiver can drop it.
				assertThat(requests.stream().filter(r -> r.body().contains(sentBefore)))
					.extracting(r -> r.header("webhook-id"))
					.containsOnly(firstWebhookId);
				await().pollDelay(Duration.ofMillis(500)).until(() -> true);
				assertThat(receiver.requests("/late")).isEmpty();
			}
		}
		finally {
			dispatcher.start();
		}
	}

	/** A second instance on the same database, as after a crash and restart. */
	private ConfigurableApplicationContext restart() {
		return new SpringApplicationBuilder(MailroomApplication.class).properties(
				"server.port=0", "spring.main.banner-mode=off",
				"spring.datasource.url=" + environment.getProperty("spring.datasource.url"),
				"spring.datasource.username=" + environment.getProperty("spring.datasource.username"),
				"spring.datasource.password=" + environment.getProperty("spring.datasource.password"),
				"mailroom.api-key=" + MailroomTest.API_KEY, "mailroom.delivery.enabled=false",
				"mailroom.relay.host=127.0.0.1", "mailroom.relay.port=9", "mailroom.relay.tls=none",
				"mailroom.local.capture-server=false", "mailroom.bounce.domain=bounces.mailroom.test",
				"mailroom.webhook.allow-private-targets=true", "mailroom.webhook.poll-interval=100ms")
			.run();
	}

	private static List<String> deliveryStatuses(Api api, String endpoint) {
		JsonNode items = api.get("/webhooks/" + endpoint + "/deliveries").json().get("items");
		return items.findValuesAsString("status");
	}

}
