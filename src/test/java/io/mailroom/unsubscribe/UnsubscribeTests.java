package io.mailroom.unsubscribe;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.Payloads;
import io.mailroom.support.ScriptedSmtpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Promotional mail carries RFC 8058 one-click unsubscribe headers, and the link suppresses the address. */
@MailroomTest
class UnsubscribeTests {

	static final ScriptedSmtpServer smtp = new ScriptedSmtpServer().start();

	@DynamicPropertySource
	static void relay(DynamicPropertyRegistry registry) {
		registry.add("mailroom.delivery.enabled", () -> "true");
		registry.add("mailroom.relay.port", smtp::port);
		registry.add("mailroom.unsubscribe.public-url", () -> "https://mail.example.com");
	}

	@AfterAll
	static void stop() {
		smtp.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	@Test
	void marketingMessageCarriesOneClickHeadersAndTheLinkSuppresses() {
		Api api = new Api(port);
		String body = Payloads.alert("promo@example.com", "Spring sale").replaceFirst("\\{", "{\"category\": \"marketing\", ");
		assertThat(api.post("/messages", body).status()).isEqualTo(202);
		String raw = awaitReceived("promo@example.com");
		assertThat(raw).contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
		Matcher link = Pattern.compile("List-Unsubscribe: <https://mail\\.example\\.com(/unsubscribe/[0-9a-f]+)>,\\r\\n <mailto:unsubscribe\\+[0-9a-f]+@bounces\\.mailroom\\.test>").matcher(raw);
		assertThat(link.find()).as(raw).isTrue();

		// A person opening the link sees a confirmation page; nothing happens until they press the button.
		Api.Response page = api.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + link.group(1))).GET().build());
		assertThat(page.status()).isEqualTo(200);
		assertThat(page.body()).contains("promo@example.com").contains("<form method=\"post\">");
		assertThat(suppressions("promo@example.com")).isZero();

		Api.Response unsubscribed = api.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + link.group(1)))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click"))
			.build());
		assertThat(unsubscribed.status()).isEqualTo(200);
		assertThat(jdbc.sql("select reason from suppression where email = 'promo@example.com'").query(String.class).single())
			.isEqualTo("unsubscribe");
		Api.Response next = api.post("/messages", body);
		assertThat(next.json().get("recipients").get(0).get("status").asString()).isEqualTo("suppressed");
	}

	@Test
	void transactionalMessageHasNoUnsubscribeHeaders() {
		Api api = new Api(port);
		assertThat(api.post("/messages", Payloads.orderConfirmation("buyer@example.com")).status()).isEqualTo(202);
		assertThat(awaitReceived("buyer@example.com")).doesNotContain("List-Unsubscribe");
	}

	@Test
	void forgedTokenIsRefusedAndSuppressesNothing() {
		Api api = new Api(port);
		String forged = "/unsubscribe/" + "0".repeat(32) + "1".repeat(32);
		Api.Response response = api.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + forged))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build());
		assertThat(response.status()).isEqualTo(404);
		assertThat(jdbc.sql("select count(*) from suppression where reason = 'unsubscribe' and email <> 'promo@example.com'")
			.query(Integer.class)
			.single()).isZero();
	}

	private String awaitReceived(String recipient) {
		await().atMost(Duration.ofSeconds(45))
			.until(() -> smtp.received().stream().anyMatch(r -> r.recipient().equals(recipient)));
		return smtp.received().stream().filter(r -> r.recipient().equals(recipient)).findFirst().orElseThrow().text();
	}

	private int suppressions(String email) {
		return jdbc.sql("select count(*) from suppression where email = ?").param(email).query(Integer.class).single();
	}

}
