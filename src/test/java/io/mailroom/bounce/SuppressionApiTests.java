package io.mailroom.bounce;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.MutableClock;
import io.mailroom.support.Payloads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET/POST/DELETE /suppressions}: the list an operator manages, with the address rules of SPEC §2. */
@MailroomTest
class SuppressionApiTests {

	@LocalServerPort
	int port;

	@Autowired
	MutableClock clock;

	Api api;

	@Autowired
	JdbcClient jdbc;

	@BeforeEach
	void setUp() {
		api = new Api(port);
	}

	/** Other test classes share this database and send to some of these addresses. */
	@AfterEach
	void removeWhatThisClassAdded() {
		jdbc.sql("""
				delete from suppression where email in ('crud@example.com', 'again@example.com', 'Ana@example.com',
				  'ana@example.com', 'jörg@xn--bcher-kva.example', 'x@example.com')
				  or email like '%@paging.example' or email like '%@order.example'""").update();
	}

	@Test
	void addedAddressIsSuppressedForNewMessagesUntilRemoved() {
		Api.Response added = api.post("/suppressions", """
				{"email": "crud@example.com", "detail": "asked by phone"}""");
		assertThat(added.status()).isEqualTo(201);
		assertThat(added.header("Location")).isEqualTo("/suppressions/crud@example.com");
		assertThat(added.json().get("email").asString()).isEqualTo("crud@example.com");
		assertThat(added.json().get("reason").asString()).isEqualTo("manual");
		assertThat(added.json().get("detail").asString()).isEqualTo("asked by phone");
		assertThat(added.json().has("createdAt")).isTrue();
		assertThat(added.json().has("expiresAt")).isFalse();

		assertThat(api.get("/suppressions/crud@example.com").json().get("reason").asString()).isEqualTo("manual");
		assertThat(status(api.post("/messages", Payloads.orderConfirmation("crud@example.com")))).isEqualTo("suppressed");

		assertThat(api.delete("/suppressions/crud@example.com").status()).isEqualTo(204);
		assertThat(api.get("/suppressions/crud@example.com").status()).isEqualTo(404);
		assertThat(api.delete("/suppressions/crud@example.com").status()).isEqualTo(404);
		assertThat(status(api.post("/messages", Payloads.orderConfirmation("crud@example.com")))).isEqualTo("queued");
	}

	@Test
	void addingAnAddressAgainReplacesItsEntry() {
		assertThat(api.post("/suppressions", "{\"email\": \"again@example.com\"}").status()).isEqualTo(201);
		Api.Response replaced = api.post("/suppressions", """
				{"email": "again@example.com", "reason": "unsubscribe", "detail": "imported"}""");
		assertThat(replaced.status()).isEqualTo(200);
		assertThat(replaced.json().get("reason").asString()).isEqualTo("unsubscribe");
		assertThat(api.get("/suppressions?email=again@example.com").json().get("items")).hasSize(1);
	}

	@Test
	void domainIsComparedCaseInsensitivelyAndLocalPartExactly() {
		assertThat(api.post("/suppressions", "{\"email\": \"Ana@Example.COM\"}").status()).isEqualTo(201);

		// Same mailbox: the domain's case does not matter.
		assertThat(api.get("/suppressions/Ana@example.com").status()).isEqualTo(200);
		assertThat(api.get("/suppressions/Ana@EXAMPLE.com").json().get("email").asString())
			.isEqualTo("Ana@example.com");
		assertThat(status(api.post("/messages", Payloads.orderConfirmation("Ana@exAMple.com")))).isEqualTo("suppressed");
		// Another mailbox: the local part's case may matter to the receiving server (RFC 5321 §2.4).
		assertThat(api.get("/suppressions/ana@example.com").status()).isEqualTo(404);
		assertThat(status(api.post("/messages", Payloads.orderConfirmation("ana@example.com")))).isEqualTo("queued");

		assertThat(api.post("/suppressions", "{\"email\": \"ana@EXAMPLE.com\"}").status()).isEqualTo(201);
		assertThat(api.post("/suppressions", "{\"email\": \"ana@example.com\"}").status())
			.as("ana@EXAMPLE.com and ana@example.com are one entry")
			.isEqualTo(200);
		assertThat(api.get("/suppressions?email=ana@Example.Com").json().get("items")).hasSize(1);

		assertThat(api.delete("/suppressions/ANA@example.com").status()).isEqualTo(404);
		assertThat(api.delete("/suppressions/Ana@EXAMPLE.COM").status()).isEqualTo(204);
		assertThat(api.get("/suppressions/ana@example.com").status()).isEqualTo(200);
	}

	@Test
	void internationalisedDomainMatchesItsALabelForm() {
		assertThat(api.post("/suppressions", "{\"email\": \"jörg@Bücher.example\"}").status()).isEqualTo(201);
		Api.Response found = api.get("/suppressions?email=j%C3%B6rg@xn--bcher-kva.example");
		assertThat(found.json().get("items").get(0).get("email").asString()).isEqualTo("jörg@xn--bcher-kva.example");
	}

	@Test
	void listIsPagedNewestFirstWithoutGapsOrRepeats() {
		List<String> added = new ArrayList<>();
		for (int i = 0; i < 7; i++) {
			String email = "page-" + i + "@paging.example";
			added.add(email);
			assertThat(api.post("/suppressions", """
					{"email": "%s", "reason": "complaint"}""".formatted(email)).status()).isEqualTo(201);
		}
		List<String> seen = new ArrayList<>();
		String cursor = null;
		int pages = 0;
		do {
			Api.Response page = api.get("/suppressions?reason=complaint&limit=3" + (cursor == null ? "" : "&cursor=" + cursor));
			assertThat(page.status()).isEqualTo(200);
			JsonNode items = page.json().get("items");
			assertThat(items.size()).isLessThanOrEqualTo(3);
			items.forEach(item -> {
				assertThat(item.get("reason").asString()).isEqualTo("complaint");
				seen.add(item.get("email").asString());
			});
			cursor = page.json().has("nextCursor") ? page.json().get("nextCursor").asString() : null;
			pages++;
		}
		while (cursor != null && pages < 10);
		assertThat(seen).doesNotHaveDuplicates().containsAll(added);
		assertThat(pages).isGreaterThanOrEqualTo(3);
	}

	@Test
	void newestEntriesComeFirst() {
		api.post("/suppressions", "{\"email\": \"older@order.example\", \"reason\": \"unsubscribe\"}");
		clock.advance(Duration.ofSeconds(1));
		api.post("/suppressions", "{\"email\": \"newer@order.example\", \"reason\": \"unsubscribe\"}");
		JsonNode items = api.get("/suppressions?reason=unsubscribe&limit=100").json().get("items");
		List<String> emails = new ArrayList<>();
		items.forEach(i -> emails.add(i.get("email").asString()));
		assertThat(emails).containsSubsequence("newer@order.example", "older@order.example");
	}

	@Test
	void invalidRequestsAreProblems() {
		Api.Response badEmail = api.post("/suppressions", "{\"email\": \"not an address\"}");
		assertThat(badEmail.status()).isEqualTo(400);
		assertThat(badEmail.json().get("errors").get(0).get("field").asString()).isEqualTo("email");
		Api.Response badReason = api.post("/suppressions", "{\"email\": \"x@example.com\", \"reason\": \"soft-bounce\"}");
		assertThat(badReason.status()).isEqualTo(400);
		assertThat(badReason.json().get("errors").get(0).get("field").asString()).isEqualTo("reason");
		assertThat(api.post("/suppressions", "{\"email\": \"x@example.com\", \"colour\": \"red\"}").status())
			.isEqualTo(400);
		assertThat(api.get("/suppressions?reason=lost").status()).isEqualTo(400);
		assertThat(api.get("/suppressions?limit=0").status()).isEqualTo(400);
		assertThat(api.get("/suppressions?cursor=bm9wZQ").status()).isEqualTo(400);
		assertThat(api.get("/suppressions/nobody@example.com").json().get("type").asString())
			.isEqualTo("urn:mailroom:problem:not-found");
	}

	private static String status(Api.Response accepted) {
		assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
		return accepted.json().get("recipients").get(0).get("status").asString();
	}

}
