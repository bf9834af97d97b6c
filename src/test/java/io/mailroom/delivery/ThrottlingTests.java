package io.mailroom.delivery;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.MutableClock;
import io.mailroom.support.Payloads;
import io.mailroom.support.ScriptedSmtpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A smarthost that answers 421 to a transaction: it gets fewer parallel connections and a pause,
 * then its connections come back as deliveries succeed, and every recipient arrives exactly once.
 */
@MailroomTest
class ThrottlingTests {

	static final ScriptedSmtpServer smtp = new ScriptedSmtpServer().start();

	/** How many transactions the server was handling at each DATA, in arrival order. */
	static final List<Integer> concurrency = Collections.synchronizedList(new ArrayList<>());

	static final AtomicInteger inData = new AtomicInteger();

	@DynamicPropertySource
	static void relay(DynamicPropertyRegistry registry) {
		registry.add("mailroom.delivery.enabled", () -> "true");
		registry.add("mailroom.relay.port", smtp::port);
		registry.add("mailroom.relay.max-connections", () -> "4");
		registry.add("mailroom.relay.throttle.pause", () -> "30s");
		registry.add("mailroom.relay.throttle.successes-per-step", () -> "4");
	}

	@AfterAll
	static void stopServer() {
		smtp.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	MutableClock clock;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	DestinationThrottle throttle;

	@Test
	void aThrottledSmarthostGetsFewerConnectionsAPauseAndThenItsConnectionsBack() {
		String smarthost = "127.0.0.1:" + smtp.port();
		// a server that takes a moment per message, so that parallel sessions overlap
		smtp.dataPolicy(recipients -> {
			concurrency.add(inData.incrementAndGet());
			LockSupport.parkNanos(Duration.ofMillis(300).toNanos());
			inData.decrementAndGet();
			return null;
		});
		Api api = new Api(port);

		// At full speed four sessions run side by side.
		post(api, "fast", 16);
		awaitReceived("fast-", 16);
		assertThat(Collections.max(concurrency)).isGreaterThan(2);
		assertThat(throttle.limit(smarthost)).isEqualTo(4);

		// The first transaction of the next message is answered 421.
		AtomicBoolean refusedOnce = new AtomicBoolean();
		smtp.policy((recipient, n) -> recipient.startsWith("slow-") && refusedOnce.compareAndSet(false, true)
				? "421 4.7.0 Too many concurrent SMTP connections from this IP" : null);
		Instant throttledAt = clock.instant();
		post(api, "slow", 16);
		await().atMost(Duration.ofSeconds(45)).until(() -> refusedOnce.get() && count("slow-%", "sending") == 0);

		assertThat(throttle.limit(smarthost)).isEqualTo(2);
		assertThat(throttle.pausedUntil(smarthost)).contains(throttledAt.plusSeconds(30));
		assertThat(new Api(port).get("/actuator/prometheus").body())
			.containsPattern("mailroom_delivery_slowdowns_total\\{[^}]*pause=\"true\"[^}]*\\} 1\\.0");
		assertThat(count("slow-%", "deferred")).isEqualTo(1);
		assertThat(jdbc.sql("select last_reply_code from recipient where email like 'slow-%' and status = 'deferred'")
			.query(Integer.class)
			.single()).isEqualTo(421);
		// the rest waits for the pause to end, without an attempt counted
		List<Timestamp> waiting = jdbc.sql("""
				select next_attempt_at from recipient
				where email like 'slow-%' and status = 'queued' and attempts = 0""").query(Timestamp.class).list();
		assertThat(waiting).isNotEmpty()
			.allSatisfy(at -> assertThat(at.toInstant()).isEqualTo(throttledAt.plusSeconds(30)));
		int receivedDuringPause = received("slow-");
		await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
		assertThat(received("slow-")).isEqualTo(receivedDuringPause);

		// After the pause: two sessions at first, more as deliveries succeed.
		int before = concurrency.size();
		clock.advance(Duration.ofSeconds(31));
		awaitReceived("slow-", 15);
		List<Integer> afterPause = new ArrayList<>(concurrency.subList(before, concurrency.size()));
		assertThat(afterPause).hasSizeGreaterThanOrEqualTo(waiting.size());
		assertThat(afterPause.subList(0, 4)).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));

		// The refused recipient is retried on the ladder (1 min ± 15 %) and nobody arrives twice.
		clock.advance(Duration.ofSeconds(60));
		awaitReceived("slow-", 16);
		List<String> slow = smtp.received()
			.stream()
			.map(ScriptedSmtpServer.Received::recipient)
			.filter(r -> r.startsWith("slow-"))
			.toList();
		assertThat(new HashSet<>(slow)).hasSize(16);
		assertThat(slow).hasSize(16);
		// the result is recorded just after the relay's 250 (the recorder batches), so wait for it
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(count("slow-%", "delivered")).isEqualTo(16));
		assertThat(throttle.limit(smarthost)).isEqualTo(4);
	}

	private static void post(Api api, String prefix, int recipients) {
		JsonMapper json = JsonMapper.builder().build();
		ObjectNode body = (ObjectNode) json.readTree(Payloads.alert(prefix + "-0@example.com", "throttling"));
		ArrayNode to = body.putArray("to");
		IntStream.range(0, recipients).forEach(i -> to.addObject().put("email", prefix + "-" + i + "@example.com"));
		assertThat(api.post("/messages", json.writeValueAsString(body)).status()).isEqualTo(202);
	}

	private static void awaitReceived(String prefix, int count) {
		await().atMost(Duration.ofSeconds(60)).until(() -> received(prefix) >= count);
	}

	private static int received(String prefix) {
		return (int) smtp.received().stream().filter(r -> r.recipient().startsWith(prefix)).count();
	}

	private int count(String emailPattern, String status) {
		return jdbc.sql("select count(*) from recipient where email like ? and status = ?")
			.params(emailPattern, status)
			.query(Integer.class)
			.single();
	}

}
