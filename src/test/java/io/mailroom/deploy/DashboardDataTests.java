package io.mailroom.deploy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.ScriptedSmtpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every PromQL expression of the Grafana dashboard and the alert rules returns data from a real
 * Prometheus scraping the running application while it delivers, defers, bounces and calls
 * webhooks (deploy/verify-dashboards.sh does the Prometheus part; Debian's prometheus package is
 * installed by .ci/install-test-tools).
 */
@MailroomTest
class DashboardDataTests {

	static final ScriptedSmtpServer smtp = new ScriptedSmtpServer()
		.policy((recipient, n) -> recipient.startsWith("bounce-") ? "550 5.1.1 no such user"
				: recipient.startsWith("defer-") ? "451 4.7.1 try again later" : null)
		.start();

	static final HttpServer receiver = receiver();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("mailroom.delivery.enabled", () -> "true");
		registry.add("mailroom.relay.port", smtp::port);
		registry.add("mailroom.webhook.allow-private-targets", () -> "true");
		registry.add("mailroom.metrics.queue-interval", () -> "1s");
	}

	@AfterAll
	static void stop() {
		smtp.close();
		receiver.stop(0);
	}

	@LocalServerPort
	int port;

	@Test
	void everyDashboardAndAlertExpressionReturnsData() throws Exception {
		Path log = Files.createTempFile("verify-dashboards", ".log");
		ProcessBuilder builder = new ProcessBuilder("bash", "deploy/verify-dashboards.sh", "--app",
				"http://127.0.0.1:" + port, "--traffic", "bench/traffic-mix.sh", "--timeout", "90")
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		builder.environment().put("API_KEY", MailroomTest.API_KEY);
		builder.environment().put("WEBHOOK_URL", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
		builder.environment().put("ROUNDS", "4");
		// The GC panel plots jvm_gc_pause_seconds, which Micrometer registers at the first collection;
		// a test JVM with a large heap may not collect at all while the script runs, so the test asks
		// for collections the way a busy production heap would have them.
		ScheduledExecutorService collections = Executors.newSingleThreadScheduledExecutor();
		collections.scheduleAtFixedRate(System::gc, 0, 3, TimeUnit.SECONDS);
		Process process = builder.start();
		boolean finished;
		try {
			finished = process.waitFor(5, TimeUnit.MINUTES);
		}
		finally {
			collections.shutdownNow();
		}
		String output = Files.readString(log);
		System.out.println(output);
		assertThat(finished).as("verify-dashboards.sh finished").isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		assertThat(output).containsPattern("\\d+ passed, 0 failed");
	}

	private static HttpServer receiver() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			server.createContext("/hook", exchange -> {
				exchange.getRequestBody().readAllBytes();
				exchange.sendResponseHeaders(204, -1);
				exchange.close();
			});
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
