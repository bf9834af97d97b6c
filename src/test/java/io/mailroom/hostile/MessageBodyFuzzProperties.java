package io.mailroom.hostile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mailroom.MailroomApplication;
import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.TestDatabaseInitializer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes {@code POST /messages} with random JSON: random shapes, a valid message with fields replaced
 * by random values or removed or unknown ones added, and corrupted text. Whatever arrives, the
 * service answers below 500, refuses with a problem document, and stores a message exactly when it
 * accepted one. (jqwik runs outside Spring's test framework, so the application is started here.)
 */
class MessageBodyFuzzProperties {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final List<String> FIELDS = List.of("template", "to", "cc", "bcc", "from", "replyTo", "subject",
			"locale", "data", "headers", "tags", "metadata", "sendAt", "priority", "category", "attachments");

	private static final List<String> NESTED_FIELDS = List.of("email", "name", "filename", "contentType", "content",
			"inline", "contentId", "severity", "title", "summary");

	private static ConfigurableApplicationContext app;

	private static Api api;

	private static JdbcClient jdbc;

	@BeforeContainer
	static void startApplication() {
		app = new SpringApplicationBuilder(MailroomApplication.class).initializers(new TestDatabaseInitializer())
			.properties("server.port=0", "mailroom.api-key=" + MailroomTest.API_KEY, "mailroom.delivery.enabled=false",
					"mailroom.relay.host=127.0.0.1", "mailroom.relay.port=9", "mailroom.relay.tls=none",
					"mailroom.local.capture-server=false", "mailroom.bounce.domain=bounces.mailroom.test",
					"mailroom.rate-limit.enabled=false", "mailroom.templates.render-timeout=30s")
			.run();
		api = new Api(Integer.parseInt(app.getEnvironment().getRequiredProperty("local.server.port")));
		jdbc = app.getBean(JdbcClient.class);
	}

	@AfterContainer
	static void stopApplication() {
		if (app != null) {
			app.close();
		}
	}

	@Property(tries = 300)
	void neverAServerErrorAndNothingStoredUnlessAccepted(@ForAll("bodies") String body) {
		long before = storedMessages();

		Api.Response response = api.post("/messages", body);

		Statistics.collect(response.status() == 202 ? "accepted" : "refused " + response.status());
		assertThat(response.status()).as(body).isLessThan(500);
		if (response.status() == 202) {
			assertThat(storedMessages()).as(body).isEqualTo(before + 1);
		}
		else {
			assertThat(response.status()).as(body).isBetween(400, 499);
			assertThat(response.header("Content-Type")).as(body).startsWith("application/problem+json");
			assertThat(storedMessages()).as(body).isEqualTo(before);
		}
	}

	@Provide
	Arbitrary<String> bodies() {
		return Arbitraries.frequencyOf(weighted(3, randomDocuments()), weighted(6, mutatedMessages()),
				weighted(1, corruptedText()));
	}

	private static Tuple2<Integer, Arbitrary<? extends String>> weighted(int weight, Arbitrary<String> a) {
		return Tuple.of(weight, a);
	}

	private static Arbitrary<String> randomDocuments() {
		return Arbitraries.maps(keys(), json()).ofMaxSize(6).map(m -> JSON.writeValueAsString(m));
	}

	/** A valid alert with one to three fields replaced by random values, removed, or added. */
	private static Arbitrary<String> mutatedMessages() {
		Arbitrary<Mutation> mutation = Combinators.combine(Arbitraries.of(Mutation.Kind.values()), keys(), json())
			.as(Mutation::new);
		return mutation.list().ofMinSize(1).ofMaxSize(3).map(mutations -> {
			Map<String, Object> message = validMessage();
			for (Mutation m : mutations) {
				m.apply(message);
			}
			return JSON.writeValueAsString(message);
		});
	}

	private static Arbitrary<String> corruptedText() {
		String valid = JSON.writeValueAsString(validMessage());
		Arbitrary<Integer> at = Arbitraries.integers().between(0, valid.length());
		Arbitrary<String> junk = Arbitraries.strings().all().ofMaxLength(5);
		return Combinators.combine(at, junk, Arbitraries.of(true, false))
			.as((i, s, cut) -> cut ? valid.substring(0, i) + s : valid.substring(0, i) + s + valid.substring(i));
	}

	private static Arbitrary<String> keys() {
		return Arbitraries.frequencyOf(weighted(5, Arbitraries.of(FIELDS)), weighted(2, Arbitraries.of(NESTED_FIELDS)),
				weighted(1, Arbitraries.strings().all().ofMaxLength(8)));
	}

	private static Arbitrary<Object> json() {
		return Arbitraries.recursive(MessageBodyFuzzProperties::scalars, inner -> Arbitraries.oneOf(
				inner.list().ofMaxSize(3).map(l -> (Object) l),
				Arbitraries.maps(keys(), inner).ofMaxSize(3).map(m -> (Object) m)), 0, 3);
	}

	private static Arbitrary<Object> scalars() {
		return Arbitraries.oneOf(
				Arbitraries.strings().all().ofMaxLength(40).map(s -> (Object) s),
				Arbitraries.of("ana@example.com", "\"quoted local\"@example.com", "ana@bücher.example", "a@b",
						"x\r\nBcc: v@example.net", "high", "low", "marketing", "en", "de-AT", "alert",
						"order-confirmation", "2026-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "", "\u0000",
						"JVBERi0xLjQK", "application/pdf", "../../x").map(s -> (Object) s),
				Arbitraries.integers().map(i -> (Object) i), Arbitraries.longs().map(l -> (Object) l),
				Arbitraries.doubles().map(d -> (Object) d), Arbitraries.of(true, false).map(b -> (Object) b),
				Arbitraries.just(null));
	}

	private static Map<String, Object> validMessage() {
		Map<String, Object> message = new LinkedHashMap<>();
		message.put("template", "alert");
		message.put("to", new ArrayList<>(List.of(new LinkedHashMap<>(Map.of("email", "ana@example.com")))));
		message.put("data", new LinkedHashMap<>(Map.of("severity", "warning", "title", "Disk", "summary", "92 %")));
		message.put("tags", new ArrayList<>(List.of("fuzz")));
		return message;
	}

	private record Mutation(Kind kind, String key, Object value) {

		enum Kind {

			REPLACE, REMOVE, REPLACE_NESTED

		}

		@SuppressWarnings("unchecked")
		void apply(Map<String, Object> message) {
			switch (kind) {
				case REPLACE -> message.put(key, value);
				case REMOVE -> message.remove(key);
				case REPLACE_NESTED -> {
					Object to = message.get("to");
					if (to instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> first) {
						((Map<String, Object>) first).put(key, value);
					}
					else if (message.get("data") instanceof Map<?, ?> data) {
						((Map<String, Object>) data).put(key, value);
					}
				}
			}
		}

	}

	private static long storedMessages() {
		return jdbc.sql("select count(*) from message").query(Long.class).single();
	}

}
