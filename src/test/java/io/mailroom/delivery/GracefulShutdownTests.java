package io.mailroom.delivery;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.mailroom.MailroomApplication;
import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.Payloads;
import io.mailroom.support.ScriptedSmtpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stopping an instance in the middle of a drain: the sessions under way finish and are recorded,
 * the claims it had not started are released at once, and the next instance sends each of those
 * exactly once.
 */
@MailroomTest
class GracefulShutdownTests {

	static final int RECIPIENTS = 40;

	static final int CONNECTIONS = 4;

	static final ScriptedSmtpServer smtp = new ScriptedSmtpServer().start();

	/** Holds every transaction at the end of its data until the test lets them go. */
	static final CountDownLatch gate = new CountDownLatch(1);

	static final AtomicInteger atGate = new AtomicInteger();

	@AfterAll
	static void stopServer() {
		gate.countDown();
		smtp.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	Environment environment;

	@Autowired
	JdbcClient jdbc;

	@Test
	void stoppingMidDrainFinishesTheSessionsUnderWayAndReleasesTheRest() throws Exception {
		smtp.dataPolicy(recipients -> {
			atGate.incrementAndGet();
			try {
				gate.await(60, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return null;
		});
		// queued by this instance, which does not deliver
		post(new Api(port), "drain", RECIPIENTS);

		ConfigurableApplicationContext first = startDeliveringInstance();
		await().atMost(Duration.ofSeconds(60)).until(() -> atGate.get() == CONNECTIONS);
		assertThat(count("sending")).isEqualTo(RECIPIENTS);

		Thread closing = new Thread(first::close, "closing-first-instance");
		closing.start();
		DeliveryWorker worker = first.getBean(DeliveryWorker.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> !worker.isRunning());
		// the shutdown has begun while four sessions are in the middle of their transaction
		gate.countDown();
		closing.join(Duration.ofSeconds(60).toMillis());
		assertThat(closing.isAlive()).isFalse();

		assertThat(count("sending")).isZero();
		assertThat(count("delivered")).isEqualTo(CONNECTIONS);
		assertThat(received()).hasSize(CONNECTIONS);
		assertThat(jdbc.sql("""
				select count(*) from recipient
				where email like 'drain-%' and status = 'queued' and claimed_by is null and attempts = 0""")
			.query(Integer.class)
			.single()).isEqualTo(RECIPIENTS - CONNECTIONS);

		// the released claims are due at once, not after the five-minute lease
		try (ConfigurableApplicationContext second = startDeliveringInstance()) {
			await().atMost(Duration.ofSeconds(90)).until(() -> count("delivered") == RECIPIENTS);
		}
		List<String> received = received();
		assertThat(received).hasSize(RECIPIENTS);
		assertThat(new HashSet<>(received)).hasSize(RECIPIENTS);
		assertThat(jdbc.sql("select count(*) from delivery_attempt a join recipient r on r.id = a.recipient_id "
				+ "where r.email like 'drain-%'").query(Integer.class).single()).isEqualTo(RECIPIENTS);
	}

	private ConfigurableApplicationContext startDeliveringInstance() {
		Map<String, Object> properties = new HashMap<>();
		properties.put("spring.datasource.url", environment.getProperty("spring.datasource.url"));
		properties.put("spring.datasource.username", environment.getProperty("spring.datasource.username"));
		properties.put("spring.datasource.password", environment.getProperty("spring.datasource.password"));
		properties.put("server.port", "0");
		properties.put("mailroom.api-key", MailroomTest.API_KEY);
		properties.put("mailroom.relay.host", "127.0.0.1");
		properties.put("mailroom.relay.port", smtp.port());
		properties.put("mailroom.relay.tls", "none");
		properties.put("mailroom.relay.max-connections", String.valueOf(CONNECTIONS));
		properties.put("mailroom.local.capture-server", "false");
		return new SpringApplicationBuilder(MailroomApplication.class).properties(properties).run();
	}

	private static void post(Api api, String prefix, int recipients) {
		JsonMapper json = JsonMapper.builder().build();
		ObjectNode body = (ObjectNode) json.readTree(Payloads.alert(prefix + "-0@example.com", "shutdown"));
		ArrayNode to = body.putArray("to");
		IntStream.range(0, recipients).forEach(i -> to.addObject().put("email", prefix + "-" + i + "@example.com"));
		assertThat(api.post("/messages", json.writeValueAsString(body)).status()).isEqualTo(202);
	}

	private static List<String> received() {
		return smtp.received()
			.stream()
			.map(ScriptedSmtpServer.Received::recipient)
			.filter(r -> r.startsWith("drain-"))
			.toList();
	}

	private int count(String status) {
		return jdbc.sql("select count(*) from recipient where email like 'drain-%' and status = ?")
			.param(status)
			.query(Integer.class)
			.single();
	}

}
