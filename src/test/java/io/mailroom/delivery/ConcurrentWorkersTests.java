package io.mailroom.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import io.mailroom.MailroomApplication;
import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.Payloads;
import io.mailroom.support.ScriptedSmtpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Several instances on one database: claims never overlap, and nobody is sent twice. */
@MailroomTest
class ConcurrentWorkersTests {

	static final ScriptedSmtpServer smtp = new ScriptedSmtpServer().start();

	@DynamicPropertySource
	static void relay(DynamicPropertyRegistry registry) {
		registry.add("mailroom.delivery.enabled", () -> "true");
		registry.add("mailroom.relay.port", smtp::port);
		registry.add("mailroom.relay.max-connections", () -> "4");
		registry.add("mailroom.delivery.batch-size", () -> "20");
	}

	@AfterAll
	static void stopServer() {
		smtp.close();
	}

	@Autowired
	RecipientClaims claims;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	Environment environment;

	@LocalServerPort
	int port;

	@Test
	void concurrentClaimsNeverTakeTheSameRecipient() throws Exception {
		UUID messageId = UUID.randomUUID();
		jdbc.sql("""
				insert into message (id, template, from_email, subject, message_id_header, created_at, mime)
				values (?, 'alert', 'a@example.com', 's', '<x@example.com>', now(), 'x'::bytea)""")
			.param(messageId)
			.update();
		// Not due for the running worker (far future), due for the claims below (which pass their own time).
		Instant due = Instant.now().plus(Duration.ofDays(365));
		jdbc.sql("""
				insert into recipient (id, message_id, seq, kind, email, domain, status, priority, next_attempt_at,
				  created_at, updated_at)
				select gen_random_uuid(), ?, g % 30000, 'to', 'r' || g || '@claims.example', 'claims.example', 'queued', 1,
				  ?, now(), now()
				from generate_series(1, 3000) g""")
			.params(messageId, java.sql.Timestamp.from(due))
			.update();

		ExecutorService pool = Executors.newFixedThreadPool(4);
		List<Callable<List<UUID>>> workers = new ArrayList<>();
		for (int w = 0; w < 4; w++) {
			String worker = "worker-" + w;
			workers.add(() -> {
				List<UUID> mine = new ArrayList<>();
				Instant now = due.plusSeconds(1);
				List<ClaimedRecipient> batch;
				while (!(batch = claims.claim(worker, 37, now, now.plus(Duration.ofMinutes(5)))).isEmpty()) {
					batch.stream().filter(r -> r.messageId().equals(messageId)).forEach(r -> mine.add(r.id()));
				}
				return mine;
			});
		}
		List<UUID> all = new ArrayList<>();
		for (Future<List<UUID>> f : pool.invokeAll(workers)) {
			all.addAll(f.get());
		}
		pool.shutdown();
		assertThat(all).hasSize(3000);
		assertThat(new HashSet<>(all)).hasSize(3000);
		assertThat(jdbc.sql("select count(*) from recipient where message_id = ? and status = 'sending'")
			.param(messageId)
			.query(Integer.class)
			.single()).isEqualTo(3000);
	}

	@Test
	void twoInstancesOnOneDatabaseDeliverEachRecipientOnce() {
		Map<String, Object> second = new HashMap<>();
		second.put("spring.datasource.url", environment.getProperty("spring.datasource.url"));
		second.put("spring.datasource.username", environment.getProperty("spring.datasource.username"));
		second.put("spring.datasource.password", environment.getProperty("spring.datasource.password"));
		second.put("server.port", "0");
		second.put("mailroom.api-key", MailroomTest.API_KEY);
		second.put("mailroom.relay.host", "127.0.0.1");
		second.put("mailroom.relay.port", smtp.port());
		second.put("mailroom.relay.tls", "none");
		second.put("mailroom.relay.max-connections", "4");
		second.put("mailroom.delivery.batch-size", "20");
		second.put("mailroom.local.capture-server", "false");
		try (ConfigurableApplicationContext other = new SpringApplicationBuilder(MailroomApplication.class)
			.properties(second)
			.run()) {
			Api api = new Api(port);
			int count = 300;
			for (int i = 0; i < count; i++) {
				assertThat(api.post("/messages", Payloads.alert("twice-" + i + "@example.com", "n " + i)).status())
					.isEqualTo(202);
			}
			await().atMost(Duration.ofSeconds(60))
				.until(() -> smtp.received().stream().filter(r -> r.recipient().startsWith("twice-")).count() >= count);
			await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
			List<String> recipients = smtp.received()
				.stream()
				.map(ScriptedSmtpServer.Received::recipient)
				.filter(r -> r.startsWith("twice-"))
				.toList();
			assertThat(recipients).hasSize(count);
			assertThat(new HashSet<>(recipients)).hasSize(count);
			Map<String, Long> byWorker = jdbc.sql("""
					select a.host, count(*) from delivery_attempt a join recipient r on r.id = a.recipient_id
					where r.email like 'twice-%' group by a.host""")
				.query((rs, n) -> Map.entry(rs.getString(1), rs.getLong(2)))
				.list()
				.stream()
				.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
			assertThat(byWorker.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(count);
		}
	}


}
