package io.mailroom.message;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
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
import org.springframework.transaction.support.TransactionTemplate;

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

	@Autowired
	MessageSearch search;

	@Autowired
	TransactionTemplate transactions;

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
	void aStatusFilterReadsTheStatusIndexWhichLeavesOutSendingRecipients() {
		String run = run();
		String sending = send(run, "t1@example.com", "alert");
		send(run, "t2@example.com", "alert");
		jdbc.sql("update recipient set status = 'sending', claimed_by = 'search-test', "
				+ "claimed_until = now() + interval '1 hour' where email = 't1@example.com' "
				+ "and message_id in (select id from message where metadata ->> 'run' = ?)").param(run).update();

		assertThat(idsOf("metadata.run=" + run + "&status=sending")).containsExactly(sending);
		// claims do not add entries to it (V11_1), and the search can still read it for the rest
		assertThat(jdbc.sql("select indexdef from pg_indexes where indexname = 'recipient_status_created_idx'")
			.query(String.class)
			.single()).contains("WHERE (status <> 'sending'::text)");
		assertThat(plan("failed")).contains("recipient_status_created_idx");
	}

	/** The plan of the search for a status, with sequential scans priced out (the test table is small). */
	private String plan(String status) {
		MessageSearch.Query query = search.query(MessageFilter.parse(Map.of("status", new String[] { status })));
		return transactions.execute(tx -> {
			jdbc.sql("set local enable_seqscan = off").update();
			return String.join("\n",
					jdbc.sql("explain " + query.sql()).paramSource(query.parameters()).query(String.class).list());
		});
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

	/** A message as the test created it, to compute what each query must return. */
	record Sent(String id, String template, List<String> tags, Map<String, String> metadata,
			List<String[]> recipients) {

		boolean matches(Map<String, List<String>> query) {
			String status = one(query, "status");
			String recipient = one(query, "recipient");
			boolean recipientMatch = recipients.stream()
				.anyMatch(r -> (recipient == null || r[0].equalsIgnoreCase(recipient))
						&& (status == null || r[1].equals(status)));
			return recipientMatch && (one(query, "template") == null || template.equals(one(query, "template")))
					&& tags.containsAll(query.getOrDefault("tag", List.of()))
					&& query.entrySet()
						.stream()
						.filter(e -> e.getKey().startsWith("metadata."))
						.allMatch(e -> e.getValue().get(0).equals(metadata.get(e.getKey().substring(9))));
		}

		private static String one(Map<String, List<String>> query, String name) {
			return query.containsKey(name) ? query.get(name).get(0) : null;
		}

	}

	@Test
	void everyFilterAndCombinationPagesThroughExactlyTheMatchingMessages() {
		// The creation time bounds this test's messages, so that no filter of the queries is needed for that.
		clock.advance(Duration.ofDays(1));
		Instant since = clock.instant();
		List<Sent> sent = new ArrayList<>();
		for (int i = 0; i < 14; i++) {
			String template = i % 3 == 0 ? "order-confirmation" : "alert";
			List<String> tags = new ArrayList<>();
			if (i % 2 == 0) {
				tags.add("ops");
			}
			if (i % 4 == 0) {
				tags.add("nightly");
			}
			Map<String, String> metadata = new java.util.LinkedHashMap<>();
			metadata.put("team", i % 3 == 1 ? "db" : "web");
			metadata.put("n", "n" + i);
			List<String[]> recipients = new ArrayList<>();
			recipients.add(new String[] { "p" + (i % 4) + "@example.com", i % 6 == 1 ? "bounced" : i % 6 == 4 ? "queued" : "delivered" });
			if (i % 5 == 0 && i % 4 != 0) {
				recipients.add(new String[] { "p0@example.com", i % 2 == 0 ? "bounced" : "delivered" });
			}
			String id = sendBody(body(template, tags, metadata, recipients));
			for (String[] r : recipients) {
				jdbc.sql("update recipient set status = ? where message_id = ? and email = ?")
					.params(r[1], Messages.parseId(id), r[0])
					.update();
			}
			sent.add(new Sent(id, template, tags, metadata, recipients));
			clock.advance(Duration.ofMillis(1));
		}
		Instant until = clock.instant();

		for (String query : List.of("", "status=delivered", "status=bounced", "status=queued", "status=failed",
				"recipient=p0@example.com", "recipient=P1@EXAMPLE.COM", "tag=ops", "tag=ops&tag=nightly", "tag=nosuch",
				"template=alert", "metadata.team=db", "metadata.n=n7", "metadata.team=nobody",
				"status=delivered&tag=ops", "status=delivered&metadata.team=db", "status=bounced&tag=ops",
				"recipient=p0@example.com&status=delivered", "recipient=p0@example.com&status=bounced",
				"recipient=p0@example.com&tag=ops&template=alert", "tag=ops&metadata.team=web&template=alert",
				"status=queued&template=alert&metadata.team=db")) {
			Map<String, List<String>> parsed = new java.util.HashMap<>();
			for (String pair : query.isEmpty() ? new String[0] : query.split("&")) {
				parsed.computeIfAbsent(pair.substring(0, pair.indexOf('=')), k -> new ArrayList<>())
					.add(pair.substring(pair.indexOf('=') + 1));
			}
			List<String> expected = newestFirst(sent.stream().filter(m -> m.matches(parsed)).map(Sent::id).toList());
			List<String> seen = new ArrayList<>();
			String base = "since=" + since + "&until=" + until + "&limit=2" + (query.isEmpty() ? "" : "&" + query);
			JsonNode page = list(base);
			int pages = 1;
			ids(page, seen);
			while (page.has("nextCursor")) {
				page = list(base + "&cursor=" + page.get("nextCursor").asString());
				ids(page, seen);
				pages++;
			}
			assertThat(seen).as(query).containsExactlyElementsOf(expected);
			assertThat(pages).as(query).isEqualTo(Math.max(1, (expected.size() + 1) / 2));
		}
	}

	private static String body(String template, List<String> tags, Map<String, String> metadata,
			List<String[]> recipients) {
		String to = "[{\"email\": \"" + recipients.get(0)[0] + "\"}]";
		String cc = recipients.size() > 1 ? ", \"cc\": [{\"email\": \"" + recipients.get(1)[0] + "\"}]" : "";
		String tagList = tags.stream().map(t -> "\"" + t + "\"").collect(java.util.stream.Collectors.joining(", "));
		String meta = metadata.entrySet()
			.stream()
			.map(e -> "\"" + e.getKey() + "\": \"" + e.getValue() + "\"")
			.collect(java.util.stream.Collectors.joining(", "));
		if (template.equals("alert")) {
			return """
					{"template": "alert", "to": %s%s, "tags": [%s], "metadata": {%s},
					 "data": {"severity": "info", "title": "t", "summary": "s"}}""".formatted(to, cc, tagList, meta);
		}
		return Payloads.orderConfirmation(recipients.get(0)[0])
			.replace("\"tags\": [\"checkout\"], \"metadata\": {\"orderId\": \"A-1001\"}",
					"\"tags\": [" + tagList + "], \"metadata\": {" + meta + "}" + cc);
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
