package io.mailroom.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import io.mailroom.message.Messages;
import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.MutableClock;
import io.mailroom.support.Payloads;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the recorder stores for an attempt. Its own database (the batch size is set explicitly),
 * so the claim below takes only this test's recipients.
 */
@MailroomTest
@TestPropertySource(properties = "mailroom.delivery.batch-size=10")
class DeliveryRecorderTests {

	private static final String WORKER = "recorder-test";

	@LocalServerPort
	int port;

	@Autowired
	RecipientClaims claims;

	@Autowired
	DeliveryRecorder recorder;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	MutableClock clock;

	@Test
	void aDeliveryIsDatedWhenTheRelayAcceptedItNotWhenTheResultWasRecorded() {
		Api.Response accepted = new Api(port).post("/messages", Payloads.alert("oncall@example.com", "Disk at 97 %."));
		assertThat(accepted.status()).isEqualTo(202);
		UUID messageId = Messages.parseId(accepted.json().get("id").asString());
		Instant now = clock.instant();
		List<ClaimedRecipient> claimed = claims.claim(WORKER, 10, now, now.plus(Duration.ofMinutes(5)));
		assertThat(claimed).singleElement().satisfies(r -> assertThat(r.messageId()).isEqualTo(messageId));

		Instant started = now.truncatedTo(ChronoUnit.MILLIS).plusMillis(5);
		AttemptResult delivered = new AttemptResult(AttemptResult.Outcome.DELIVERED, 250, "2.0.0", "queued as 1A2B",
				"relay.example.net", started, Duration.ofMillis(40), null);
		// the recorder gets to the batch 3 s later (a busy database)
		Instant recordedAt = started.plusSeconds(3);
		recorder.recordAll(WORKER, List.of(new DeliveryRecorder.Result(claimed.get(0), delivered)), recordedAt);

		Instant relayAccepted = started.plusMillis(40);
		assertThat(jdbc.sql("select final_at from recipient where message_id = ?")
			.param(messageId)
			.query(Instant.class)
			.single()).isEqualTo(relayAccepted);
		assertThat(jdbc.sql("select updated_at from recipient where message_id = ?")
			.param(messageId)
			.query(Instant.class)
			.single()).isEqualTo(recordedAt.truncatedTo(ChronoUnit.MICROS));
		assertThat(jdbc.sql("select occurred_at from message_event where message_id = ? and type = 'message.delivered'")
			.param(messageId)
			.query(Instant.class)
			.single()).isEqualTo(relayAccepted);
	}

}
