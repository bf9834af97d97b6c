package io.mailroom.delivery;

import java.time.Duration;

import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.Payloads;
import io.mailroom.support.ScriptedSmtpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A send queue smaller than one message still moves: each claim takes one recipient, and the
 * sender that takes it makes room for the next claim. The poll interval is a minute, so only the
 * wake-ups (NOTIFY, the senders, the recorder) can drive the dispatcher within the test's wait.
 */
@MailroomTest
class SmallQueueDeliveryTests {

	static final ScriptedSmtpServer smtp = new ScriptedSmtpServer().start();

	@DynamicPropertySource
	static void relay(DynamicPropertyRegistry registry) {
		registry.add("mailroom.delivery.enabled", () -> "true");
		registry.add("mailroom.relay.port", smtp::port);
		registry.add("mailroom.relay.max-connections", () -> "2");
		registry.add("mailroom.delivery.batch-size", () -> "4");
		registry.add("mailroom.delivery.queue-bytes", () -> "1KB");
		registry.add("mailroom.delivery.poll-interval", () -> "60s");
	}

	@AfterAll
	static void stopServer() {
		smtp.close();
	}

	@LocalServerPort
	int port;

	@Test
	void aBacklogOfMessagesLargerThanTheQueueIsDeliveredOneClaimAtATime() {
		Api api = new Api(port);
		StringBuilder batch = new StringBuilder("{\"messages\": [");
		for (int i = 0; i < 12; i++) {
			batch.append(i == 0 ? "" : ",").append(Payloads.orderConfirmation("buyer" + i + "@example.com"));
		}
		Api.Response accepted = api.post("/messages/batch", batch.append("]}").toString());
		assertThat(accepted.status()).isEqualTo(202);

		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(smtp.received()).hasSize(12));
		assertThat(smtp.received()).allSatisfy(m -> assertThat(m.data().length).isGreaterThan(1024));
	}

}
