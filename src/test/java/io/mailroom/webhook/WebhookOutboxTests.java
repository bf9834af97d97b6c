package io.mailroom.webhook;

import java.sql.Connection;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import io.mailroom.common.Ids;
import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.Payloads;
import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The outbox costs nothing more than the event row while no endpoint is enabled. */
@MailroomTest
class WebhookOutboxTests {

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	Clock clock;

	@Autowired
	DataSource dataSource;

	UUID endpoint;

	@AfterEach
	void removeEndpoint() {
		if (endpoint == null) {
			return;
		}
		// the dispatcher may be recording an attempt to this endpoint right now: a deadlock with
		// the cascading delete is retried, as any deadlock victim would be
		for (int attempt = 1;; attempt++) {
			try {
				jdbc.sql("delete from webhook_endpoint where id = ?").param(endpoint).update();
				return;
			}
			catch (org.springframework.dao.PessimisticLockingFailureException ex) {
				if (attempt == 5) {
					throw ex;
				}
			}
		}
	}

	@Test
	void eventsWrittenWhileNoEndpointIsEnabledAreDoneAtOnce() {
		jdbc.sql("update webhook_endpoint set enabled = false").update();

		UUID message = accept("nobody-listens@example.com");

		assertThat(jdbc.sql("select count(*) from message_event where message_id = ? and not fanned_out")
			.param(message)
			.query(Long.class)
			.single()).isZero();
		assertThat(jdbc.sql("select count(*) from message_event where message_id = ?").param(message).query(Long.class).single())
			.isPositive();
		// written done, not updated afterwards: each event is still the version the accepting
		// transaction inserted (an UPDATE by the dispatcher would have made a newer one)
		assertThat(jdbc.sql("""
				select count(*) from message_event e join message m on m.id = e.message_id
				where e.message_id = ? and e.xmin::text <> m.xmin::text""").param(message).query(Long.class).single())
			.isZero();
		assertThat(jdbc.sql("select count(*) from webhook_delivery where message_id = ?").param(message).query(Long.class).single())
			.isZero();
	}

	@Test
	void eventsWrittenWhileAnEndpointIsEnabledAreFannedOutToIt() {
		enableEndpoint("https://hooks.invalid/outbox");

		UUID message = accept("someone-listens@example.com");

		await().atMost(Duration.ofSeconds(10))
			.until(() -> jdbc.sql("select count(*) from webhook_delivery where message_id = ? and endpoint_id = ?")
				.params(message, endpoint)
				.query(Long.class)
				.single() > 0);
	}

	/**
	 * The dispatchers are woken (NOTIFY at commit) when the events written need fanning out, and
	 * only then: once per statement, not per event.
	 */
	@Test
	void dispatchersAreWokenOnlyWhenSomethingIsToBeFannedOut() throws Exception {
		try (Connection listener = dataSource.getConnection()) {
			try (Statement listen = listener.createStatement()) {
				listen.execute("listen " + WebhookNotifications.CHANNEL);
			}
			PGConnection pg = listener.unwrap(PGConnection.class);
			pg.getNotifications(100); // whatever came before

			jdbc.sql("update webhook_endpoint set enabled = false").update();
			accept("nobody-listens-here@example.com");
			assertThat(notifications(pg, 500)).isZero();

			enableEndpoint("https://hooks.invalid/wake");
			accept("someone-listens-here@example.com");
			assertThat(notifications(pg, 2000)).isPositive();
		}
	}

	/** An enabled endpoint created a second ago, removed after the test. */
	private void enableEndpoint(String url) {
		endpoint = Ids.next();
		Timestamp now = Timestamp.from(clock.instant().minus(Duration.ofSeconds(1)));
		jdbc.sql("""
				insert into webhook_endpoint (id, url, enabled, secret, created_at, updated_at)
				values (?, ?, true, 'whsec_b3V0Ym94LXRlc3Qtc2VjcmV0LXh4eHg=', ?, ?)""")
			.params(endpoint, url, now, now)
			.update();
	}

	private static int notifications(PGConnection pg, int waitMillis) throws Exception {
		long until = System.nanoTime() + Duration.ofMillis(waitMillis).toNanos();
		int count = 0;
		while (System.nanoTime() < until) {
			PGNotification[] received = pg.getNotifications(100);
			if (received != null) {
				for (PGNotification n : received) {
					if (n.getName().equals(WebhookNotifications.CHANNEL)) {
						count++;
					}
				}
			}
			if (count > 0) {
				return count;
			}
		}
		return count;
	}

	private UUID accept(String to) {
		Api.Response response = new Api(port).post("/messages", Payloads.alert(to, "outbox"));
		assertThat(response.status()).isEqualTo(202);
		return Ids.parse("msg", response.json().get("id").asString());
	}

}
