package io.mailroom.message;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.MutableClock;
import io.mailroom.support.Payloads;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /messages}: every filter returns exactly the matching messages, newest first, and
 * keyset pages neither skip nor repeat a message while new ones arrive. Each test marks its own
 * messages with a unique tag or metadata value, as other tests share the database.
 */
@MailroomTest
class MessageSearchTests {

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	MutableClock clock;

	Api api;

	@BeforeEach
	void setUp() {
		api = new Api(port);
	}

	@Test
	void pagesWalkThroughEveryMessageNewestFirstAndTheLastPageHasNoCursor() {
		String run = run();
		List<String> sent = new ArrayList<>();
		for (int i = 0; i < 25; i++) {
			sent.add(send(run, "page" + i + "@example.com", "alert"));
			if (i % 10 == 0) {
				// Some messages share a creation instant; the id breaks the tie.
				clock.advance(Duration.ofMillis(1));
			}
		}

		List<String> seen = new ArrayList<>();
		JsonNode page = list("metadata.run=" + run + "&limit=10");
		assertThat(page.get("items")).hasSize(10);
		ids(page, seen);
		page = list("metadata.run=" + run + "&limit=10&cursor=" + page.get("nextCursor").asString());
		assertThat(page.get("items")).hasSize(10);
		ids(page, seen);
		page = list("metadata.run=" + run + "&limit=10&cursor=" + page.get("nextCursor").asString());
		assertThat(page.get("items")).hasSize(5);
		assertThat(page.has("nextCursor")).isFalse();
		ids(page, seen);

		assertThat(seen).containsExactlyElementsOf(newestFirst(sent));
	}

	@Test
	void aPageThatEndsExactlyAtTheLastMessageHasNoCursor() {
		String run = run();
		for (int i = 0; i < 4; i++) {
			send(run, "exact" + i + "@example.com", "alert");
		}
		JsonNode page = list("metadata.run=" + run + "&limit=4");
		assertThat(page.get("items")).hasSize(4);
		assertThat(page.has("nextCursor")).isFalse();
	}

	@Test
	void messagesAcceptedWhilePagingDoNotShiftLaterPages() {
		String run = run();
		List<String> sent = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			sent.add(send(run, "stable" + i + "@example.com", "alert"));
		}
		List<String> seen = new ArrayList<>();
		JsonNode first = list("metadata.run=" + run + "&limit=5");
		ids(first, seen);

		List<String> newer = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			clock.advance(Duration.ofMillis(5));
			newer.add(send(run, "newer" + i + "@example.com", "alert"));
		}
		JsonNode second = list("metadata.run=" + run + "&limit=5&cursor=" + first.get("nextCursor").asString());
		ids(second, seen);
		JsonNode third = list("metadata.run=" + run + "&limit=5&cursor=" + second.get("nextCursor").asString());
		ids(third, seen);

		assertThat(seen).containsExactlyElementsOf(newestFirst(sent));
		assertThat(third.has("nextCursor")).isFalse();
		// A fresh first page starts with what arrived meanwhile.
		List<String> fresh = new ArrayList<>();
		ids(list("metadata.run=" + run + "&limit=3"), fresh);
		assertThat(fresh).containsExactlyElementsOf(newestFirst(newer));
	}

	@Test
	void filtersByTemplateTagAndMetadata() {
		String run = run();
		String alert = send(run, "f1@example.com", "alert");
		String order = send(run, "f2@example.com", "order-confirmation");
		String tagged = sendBody("""
				{"template": "alert", "to": [{"email": "f3@example.com"}], "tags": ["ops", "nightly"],
				 "metadata": {"run": "%s", "team": "db"},
				 "data": {"severity": "info", "title": "t", "summary": "s"}}""".formatted(run));

		assertThat(idsOf("metadata.run=" + run + "&template=alert")).containsExactly(tagged, alert);
		assertThat(idsOf("metadata.run=" + run + "&template=order-confirmation")).containsExactly(order);
		assertThat(idsOf("metadata.run=" + run + "&tag=ops")).containsExactly(tagged);
		assertThat(idsOf("metadata.run=" + run + "&tag=ops&tag=nightly")).containsExactly(tagged);
		assertThat(idsOf("metadata.run=" + run + "&tag=ops&tag=weekly")).isEmpty();
		assertThat(idsOf("metadata.run=" + run + "&metadata.team=db")).containsExactly(tagged);
		assertThat(idsOf("metadata.run=" + run + "&metadata.team=web")).isEmpty();
	}

	@Test
	void filtersByRecipientInAnyRoleAndAnyCase() {
		String run = run();
		String to = send(run, "Wanted@Example.com", "alert");
		String cc = sendBody("""
				{"template": "alert", "to": [{"email": "other@example.com"}], "cc": [{"email": "wanted@example.com"}],
				 "metadata": {"run": "%s"}, "data": {"severity": "info", "title": "t", "summary": "s"}}""".formatted(run));
		String bcc = sendBody("""
				{"template": "alert", "to": [{"email": "other@example.com"}], "bcc": [{"email": "WANTED@example.com"}],
				 "metadata": {"run": "%s"}, "data": {"severity": "info", "title": "t", "summary": "s"}}""".formatted(run));
		send(run, "unwanted@example.com", "alert");

		assertThat(idsOf("metadata.run=" + run + "&recipient=wanted@example.com")).containsExactly(bcc, cc, to);
		JsonNode item = list("metadata.run=" + run + "&recipient=wanted@example.com").get("items").get(1);
		assertThat(item.get("recipients").get(1).get("kind").asString()).isEqualTo("cc");
	}

	@Test
	void filtersByStatusOfAnyRecipient() {
		String run = run();
		String bounced = send(run, "s1@example.com", "alert");
		String queued = send(run, "s2@example.com", "alert");
		String mixed = sendBody("""
				{"template": "alert", "to": [{"email": "s3@example.com"}], "cc": [{"email": "s4@example.com"}],
				 "metadata": {"run": "%s"}, "data": {"severity": "info", "title": "t", "summary": "s"}}""".formatted(run));
		jdbc.sql("update recipient set status = 'bounced' where email in ('s1@example.com', 's4@example.com')").update();

		assertThat(idsOf("metadata.run=" + run + "&status=bounced")).containsExactly(mixed, bounced);
		assertThat(idsOf("metadata.run=" + run + "&status=queued")).containsExactly(mixed, queued);
		assertThat(idsOf("metadata.run=" + run + "&status=delivered")).isEmpty();
		JsonNode items = list("metadata.run=" + run + "&status=bounced").get("items");
		assertThat(items.get(0).get("status").asString()).isEqualTo("queued");
		assertThat(items.get(1).get("status").asString()).isEqualTo("bounced");
	}

	@Test
	void filtersByCreationTime() {
		String run = run();
		String early = send(run, "t1@example.com", "alert");
		clock.advance(Duration.ofMinutes(1));
		Instant middle = clock.instant();
		String onTheDot = send(run, "t2@example.com", "alert");
		clock.advance(Duration.ofMinutes(1));
		Instant late = clock.instant();
		String last = send(run, "t3@example.com", "alert");

		assertThat(idsOf("metadata.run=" + run + "&since=" + middle)).containsExactly(last, onTheDot);
		assertThat(idsOf("metadata.run=" + run + "&until=" + middle)).containsExactly(early);
		assertThat(idsOf("metadata.run=" + run + "&since=" + middle + "&until=" + late)).containsExactly(onTheDot);
		// The same instant written with an offset.
		assertThat(idsOf("metadata.run=" + run + "&since="
				+ middle.plus(Duration.ofHours(1)).toString().replace("Z", "%2B01:00"))).containsExactly(last, onTheDot);
	}

	@Test
	void listedItemsCarryTheSummaryOfEachMessage() {
		String run = run();
		String id = send(run, "summary@example.com", "order-confirmation");
		JsonNode item = list("metadata.run=" + run).get("items").get(0);
		assertThat(item.get("id").asString()).isEqualTo(id);
		assertThat(item.get("status").asString()).isEqualTo("queued");
		assertThat(item.get("template").asString()).isEqualTo("order-confirmation");
		assertThat(item.get("subject").asString()).contains("A-1001");
		assertThat(item.get("from").asString()).isEqualTo("shop@example.com");
		assertThat(item.get("recipients").get(0).get("email").asString()).isEqualTo("summary@example.com");
		assertThat(item.get("metadata").get("run").asString()).isEqualTo(run);
		assertThat(item.get("priority").asString()).isEqualTo("normal");
		assertThat(item.get("test").asBoolean()).isFalse();
		assertThat(item.get("createdAt").asString()).isNotBlank();
	}

	@Test
	void badParametersAreValidationProblems() {
		for (String query : List.of("stauts=queued", "status=lost", "limit=0", "limit=101", "limit=ten",
				"cursor=not-a-cursor", "since=yesterday", "until=2026-13-01T00:00:00Z", "limit=5&limit=6")) {
			Api.Response response = api.get("/messages?" + query);
			assertThat(response.status()).as(query).isEqualTo(400);
			assertThat(response.json().get("type").asString()).as(query).isEqualTo("urn:mailroom:problem:validation");
			assertThat(response.json().get("errors").get(0).get("field").asString()).as(query)
				.isEqualTo(query.substring(0, query.indexOf('=')));
		}
	}

	@Test
	void theDefaultPageHasTwentyItems() {
		String run = run();
		for (int i = 0; i < 21; i++) {
			send(run, "default" + i + "@example.com", "alert");
		}
		JsonNode page = list("metadata.run=" + run);
		assertThat(page.get("items")).hasSize(20);
		assertThat(page.get("nextCursor").asString()).isNotBlank();
	}

	private String send(String run, String to, String template) {
		if (template.equals("order-confirmation")) {
			return sendBody(Payloads.orderConfirmation(to)
				.replace("\"metadata\": {\"orderId\": \"A-1001\"}", "\"metadata\": {\"orderId\": \"A-1001\", \"run\": \"" + run + "\"}"));
		}
		return sendBody("""
				{"template": "alert", "to": [{"email": "%s"}], "metadata": {"run": "%s"},
				 "data": {"severity": "info", "title": "t", "summary": "s"}}""".formatted(to, run));
	}

	private String sendBody(String body) {
		Api.Response response = api.post("/messages", body);
		assertThat(response.status()).as(response.body()).isEqualTo(202);
		return response.json().get("id").asString();
	}

	private JsonNode list(String query) {
		Api.Response response = api.get("/messages?" + query);
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		return response.json();
	}

	private List<String> idsOf(String query) {
		List<String> ids = new ArrayList<>();
		ids(list(query), ids);
		return ids;
	}

	private static void ids(JsonNode page, List<String> into) {
		page.get("items").forEach(item -> into.add(item.get("id").asString()));
	}

	private static List<String> newestFirst(List<String> ids) {
		List<String> copy = new ArrayList<>(ids);
		Collections.reverse(copy);
		return copy;
	}

	private static String run() {
		return UUID.randomUUID().toString();
	}

}
