package io.mailroom.message;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.Payloads;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /messages/batch}: per-message validation, one transaction, idempotency for the whole batch. */
@MailroomTest
class MessageBatchTests {

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	Api api;

	@BeforeEach
	void setUp() {
		api = new Api(port);
	}

	@Test
	void fiveHundredValidMessagesAreAllAcceptedAndStoredInOneTransaction() {
		String tag = uniqueTag();
		List<String> messages = IntStream.range(0, 500).mapToObj(i -> lowAlert("bulk" + i + "@example.com", tag)).toList();

		long started = System.nanoTime();
		Api.Response response = api.post("/messages/batch", batch(messages));
		Duration took = Duration.ofNanos(System.nanoTime() - started);

		assertThat(response.status()).isEqualTo(202);
		JsonNode items = response.json().get("messages");
		assertThat(items).hasSize(500);
		for (int i = 0; i < 500; i++) {
			assertThat(items.get(i).get("id").asString()).startsWith("msg_");
			assertThat(items.get(i).get("recipients").get(0).get("email").asString()).isEqualTo("bulk" + i + "@example.com");
			assertThat(items.get(i).get("status").asString()).isEqualTo("queued");
		}
		assertThat(storedWithTag(tag)).isEqualTo(500);
		// One transaction: every row carries the same creating transaction id.
		assertThat(jdbc.sql("select count(distinct xmin::text) from message where tags @> array[?]::text[]")
			.param(tag)
			.query(Integer.class)
			.single()).isEqualTo(1);
		System.out.println("500-message batch accepted in " + took.toMillis() + " ms");
	}

	/**
	 * JDBC batches go to PostgreSQL as multi-row INSERTs (pgjdbc's reWriteBatchedInserts), as the
	 * benchmarks were measured, whatever database URL is configured.
	 */
	@Test
	void jdbcBatchesAreRewrittenIntoMultiRowInserts(@Autowired javax.sql.DataSource dataSource) throws Exception {
		com.zaxxer.hikari.HikariDataSource hikari = dataSource.unwrap(com.zaxxer.hikari.HikariDataSource.class);

		assertThat(hikari.getDataSourceProperties().getProperty("reWriteBatchedInserts")).isEqualTo("true");
	}

	/**
	 * V10_3, V11_2: bodies (MIME, HTML, text) are TOAST-compressed with lz4 (a fraction of pglz's
	 * CPU) where the server was built with it; elsewhere (the embedded test server is not) the
	 * columns keep the default and bodies are stored and read back as before.
	 */
	@Test
	void storedBodiesUseLz4WhereTheServerHasIt() {
		String tag = uniqueTag();
		List<String> messages = IntStream.range(0, 3).mapToObj(i -> lowAlert("lz" + i + "@example.com", tag)).toList();
		assertThat(api.post("/messages/batch", batch(messages)).status()).isEqualTo(202);

		boolean lz4 = jdbc.sql("select 'lz4' = any(enumvals) from pg_settings where name = 'default_toast_compression'")
			.query(Boolean.class)
			.single();
		List<String> compression = jdbc.sql("""
				select attcompression::text from pg_attribute
				where attrelid = 'message'::regclass and attname in ('mime', 'html_body', 'text_body')""")
			.query(String.class)
			.list();
		assertThat(compression).containsExactly(lz4 ? "l" : "", lz4 ? "l" : "", lz4 ? "l" : "");
		assertThat(jdbc.sql("""
				select count(*) from message where tags @> array[?]::text[] and octet_length(mime) > 0
				  and (pg_column_compression(mime) is null or pg_column_compression(mime) = ?)""")
			.params(tag, lz4 ? "lz4" : "pglz")
			.query(Integer.class)
			.single()).isEqualTo(3);
	}

	@Test
	void invalidMessagesGetTheirProblemAtTheirPositionAndTheOthersAreStored() {
		String tag = uniqueTag();
		List<String> messages = new ArrayList<>(IntStream.range(0, 500)
			.mapToObj(i -> lowAlert("mixed" + i + "@example.com", tag))
			.toList());
		messages.set(7, lowAlert("not-an-address", tag));
		messages.set(250, """
				{"template": "no-such-template", "to": [{"email": "x@example.com"}], "tags": ["%s"]}""".formatted(tag));
		messages.set(499, """
				{"template": "alert", "to": [{"email": "y@example.com"}], "colour": "red", "tags": ["%s"]}""".formatted(tag));

		Api.Response response = api.post("/messages/batch", batch(messages));

		assertThat(response.status()).isEqualTo(207);
		JsonNode items = response.json().get("messages");
		assertThat(items).hasSize(500);
		JsonNode badAddress = items.get(7);
		assertThat(badAddress.get("type").asString()).isEqualTo("urn:mailroom:problem:validation");
		assertThat(badAddress.get("status").asInt()).isEqualTo(400);
		assertThat(badAddress.get("errors").get(0).get("field").asString()).isEqualTo("to[0].email");
		JsonNode unknownTemplate = items.get(250);
		assertThat(unknownTemplate.get("type").asString()).isEqualTo("urn:mailroom:problem:unknown-template");
		assertThat(unknownTemplate.get("status").asInt()).isEqualTo(422);
		assertThat(unknownTemplate.get("errors").get(0).get("field").asString()).isEqualTo("template");
		JsonNode unknownField = items.get(499);
		assertThat(unknownField.get("type").asString()).isEqualTo("urn:mailroom:problem:malformed-request");
		assertThat(unknownField.get("status").asInt()).isEqualTo(400);
		assertThat(unknownField.get("errors").get(0).get("field").asString()).isEqualTo("colour");
		for (int i = 0; i < 500; i++) {
			if (i != 7 && i != 250 && i != 499) {
				assertThat(items.get(i).get("id").asString()).startsWith("msg_");
				assertThat(items.get(i).get("recipients").get(0).get("email").asString())
					.isEqualTo("mixed" + i + "@example.com");
			}
		}
		assertThat(storedWithTag(tag)).isEqualTo(497);
	}

	@Test
	void aProblemInABatchHasTheShapeTheSameMessageAloneGets() {
		String invalid = """
				{"template": "alert", "to": [{"email": "a@example.com"}], "subject": "one\\r\\nBcc: evil@example.com",
				 "data": {"severity": "info", "title": "t", "summary": "s"}}""";
		Api.Response alone = api.post("/messages", invalid);
		Api.Response inBatch = api.post("/messages/batch", batch(List.of(invalid, lowAlert("b@example.com", uniqueTag()))));

		assertThat(alone.status()).isEqualTo(400);
		assertThat(inBatch.status()).isEqualTo(207);
		JsonNode item = inBatch.json().get("messages").get(0);
		for (String member : List.of("type", "title", "status", "detail", "errors")) {
			assertThat(item.get(member)).as(member).isEqualTo(alone.json().get(member));
		}
	}

	@Test
	void aDatabaseFailureMidBatchStoresNone() {
		String tag = uniqueTag();
		jdbc.sql("""
				create or replace function refuse_doomed() returns trigger language plpgsql as $$
				begin
				  if new.email = 'doomed@example.com' then raise exception 'simulated database failure'; end if;
				  return new;
				end $$""").update();
		jdbc.sql("create trigger refuse_doomed before insert on recipient for each row execute function refuse_doomed()")
			.update();
		try {
			List<String> messages = new ArrayList<>(IntStream.range(0, 500)
				.mapToObj(i -> lowAlert("fine" + i + "@example.com", tag))
				.toList());
			messages.set(250, lowAlert("doomed@example.com", tag));

			Api.Response response = api.post("/messages/batch", batch(messages));

			assertThat(response.status()).isEqualTo(500);
			assertThat(response.json().get("type").asString()).isEqualTo("urn:mailroom:problem:internal");
			assertThat(storedWithTag(tag)).isZero();
			assertThat(jdbc.sql("select count(*) from recipient where email like 'fine%@example.com'")
				.query(Integer.class)
				.single()).isZero();
		}
		finally {
			jdbc.sql("drop trigger refuse_doomed on recipient").update();
		}
	}

	@Test
	void aBatchWithNoValidMessageIsRefusedWith422AndStoresNothing() {
		String tag = uniqueTag();
		Api.Response response = api.post("/messages/batch",
				batch(List.of(lowAlert("bad address", tag), """
						{"template": "nope", "to": [{"email": "a@example.com"}], "tags": ["%s"]}""".formatted(tag))));

		assertThat(response.status()).isEqualTo(422);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		assertThat(response.json().get("type").asString()).isEqualTo("urn:mailroom:problem:batch-rejected");
		JsonNode items = response.json().get("messages");
		assertThat(items).hasSize(2);
		assertThat(items.get(0).get("type").asString()).isEqualTo("urn:mailroom:problem:validation");
		assertThat(items.get(1).get("type").asString()).isEqualTo("urn:mailroom:problem:unknown-template");
		assertThat(storedWithTag(tag)).isZero();
	}

	@Test
	void aBatchMustHoldOneToFiveHundredMessages() {
		Api.Response empty = api.post("/messages/batch", "{\"messages\": []}");
		assertThat(empty.status()).isEqualTo(400);
		assertThat(empty.json().get("errors").get(0).get("field").asString()).isEqualTo("messages");

		String tag = uniqueTag();
		Api.Response tooMany = api.post("/messages/batch",
				batch(IntStream.range(0, 501).mapToObj(i -> lowAlert("many" + i + "@example.com", tag)).toList()));
		assertThat(tooMany.status()).isEqualTo(400);
		assertThat(tooMany.json().get("type").asString()).isEqualTo("urn:mailroom:problem:validation");
		assertThat(tooMany.json().get("errors").get(0).get("message").asString()).contains("500");
		assertThat(storedWithTag(tag)).isZero();

		Api.Response notABatch = api.post("/messages/batch", "{\"message\": []}");
		assertThat(notABatch.status()).isEqualTo(400);
		assertThat(notABatch.json().get("errors").get(0).get("field").asString()).isEqualTo("message");
	}

	@Test
	void anIdempotentBatchRepeatReturnsTheOriginalResponseAndStoresNothingMore() {
		String tag = uniqueTag();
		String body = batch(List.of(lowAlert("idem1@example.com", tag), lowAlert("not valid", tag),
				lowAlert("idem2@example.com", tag)));
		Map<String, String> key = Map.of("Idempotency-Key", "batch-" + tag);

		Api.Response first = api.post("/messages/batch", body, key);
		Api.Response again = api.post("/messages/batch", body, key);

		assertThat(first.status()).isEqualTo(207);
		assertThat(again.status()).isEqualTo(207);
		assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
		assertThat(again.json()).isEqualTo(first.json());
		assertThat(storedWithTag(tag)).isEqualTo(2);

		Api.Response otherBody = api.post("/messages/batch",
				batch(List.of(lowAlert("idem3@example.com", tag))), key);
		assertThat(otherBody.status()).isEqualTo(409);
		assertThat(otherBody.json().get("type").asString()).isEqualTo("urn:mailroom:problem:idempotency-key-reused");
		assertThat(storedWithTag(tag)).isEqualTo(2);
	}

	private int storedWithTag(String tag) {
		return jdbc.sql("select count(*) from message where tags @> array[?]::text[]").param(tag).query(Integer.class).single();
	}

	static String uniqueTag() {
		return "t-" + UUID.randomUUID().toString().substring(0, 13);
	}

	static String lowAlert(String to, String tag) {
		return """
				{"template": "alert", "to": [{"email": "%s"}], "priority": "low", "tags": ["%s"],
				 "data": {"severity": "info", "title": "Nightly report", "summary": "All jobs finished."}}"""
			.formatted(to, tag);
	}

	static String batch(List<String> messages) {
		return "{\"messages\": [" + String.join(",\n", messages) + "]}";
	}

}
