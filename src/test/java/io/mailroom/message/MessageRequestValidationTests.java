package io.mailroom.message;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.MutableClock;
import io.mailroom.support.Payloads;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad requests to {@code POST /messages}: each is a clear 4xx problem document (with
 * {@code errors[]} naming the field where it is a validation failure), and nothing is stored.
 */
@MailroomTest
class MessageRequestValidationTests {

	private static final String ALERT_DATA = "\"data\": {\"severity\": \"info\", \"title\": \"t\", \"summary\": \"s\"}";

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
	void unknownTemplateIs422() {
		JsonNode problem = refused("""
				{"template": "no-such-template", "to": [{"email": "a@example.com"}]}""", 422,
				"urn:mailroom:problem:unknown-template");
		assertThat(field(problem)).isEqualTo("template");
	}

	@Test
	void missingRequiredTemplateDataIs422() {
		JsonNode problem = refused("""
				{"template": "alert", "to": [{"email": "a@example.com"}], "data": {"severity": "info"}}""", 422,
				"urn:mailroom:problem:template-error");
		assertThat(problem.get("detail").asString()).isNotBlank();
	}

	@ParameterizedTest
	@ValueSource(strings = { "not-an-address", "ana@", "@example.com", "ana@@example.com", "ana@localhost",
			"ana lima@example.com" })
	void badAddressIs400(String address) {
		JsonNode problem = refused("""
				{"template": "alert", "to": [{"email": "%s"}], %s}""".formatted(address, ALERT_DATA), 400,
				"urn:mailroom:problem:validation");
		assertThat(field(problem)).isEqualTo("to[0].email");
	}

	@Test
	void missingOrWrongApiKeyIs401() {
		long before = messages();
		Api.Response missing = api.send(HttpRequest.newBuilder(api.request("/messages").build().uri())
			.POST(HttpRequest.BodyPublishers.ofString(Payloads.orderConfirmation("a@example.com")))
			.header("Content-Type", "application/json")
			.build());
		Api.Response wrong = api.send(api.request("/messages")
			.setHeader("Authorization", "Bearer not-the-key")
			.POST(HttpRequest.BodyPublishers.ofString(Payloads.orderConfirmation("a@example.com")))
			.header("Content-Type", "application/json")
			.build());

		for (Api.Response response : new Api.Response[] { missing, wrong }) {
			assertThat(response.status()).isEqualTo(401);
			assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer");
			assertThat(response.header("Content-Type")).startsWith("application/problem+json");
			assertThat(response.json().get("type").asString()).isEqualTo("urn:mailroom:problem:unauthorized");
		}
		assertThat(messages()).isEqualTo(before);
	}

	@Test
	void bodyOverTheLimitIs413WithContentLength() {
		long before = messages();
		Api.Response response = api.post("/messages", oversizedBody());
		assertThat(response.status()).isEqualTo(413);
		assertThat(response.json().get("type").asString()).isEqualTo("urn:mailroom:problem:payload-too-large");
		assertThat(messages()).isEqualTo(before);
	}

	@Test
	void bodyOverTheLimitIs413WhenChunked() {
		long before = messages();
		byte[] body = oversizedBody().getBytes(StandardCharsets.UTF_8);
		// ofInputStream has no known length: the client sends Transfer-Encoding: chunked.
		Api.Response response = api.send(api.request("/messages")
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
			.header("Content-Type", "application/json")
			.build());
		assertThat(response.status()).isEqualTo(413);
		assertThat(response.json().get("type").asString()).isEqualTo("urn:mailroom:problem:payload-too-large");
		assertThat(messages()).isEqualTo(before);
	}

	@Test
	void lineBreaksInTheSubjectAreRefused() {
		JsonNode problem = refused("""
				{"template": "alert", "to": [{"email": "a@example.com"}], "subject": "Hi\\r\\nBcc: victim@example.com",
				 %s}""".formatted(ALERT_DATA), 400, "urn:mailroom:problem:validation");
		assertThat(field(problem)).isEqualTo("subject");
	}

	@Test
	void lineBreaksInDisplayNamesAreRefused() {
		JsonNode to = refused("""
				{"template": "alert", "to": [{"email": "a@example.com", "name": "Ana\\nBcc: victim@example.com"}],
				 %s}""".formatted(ALERT_DATA), 400, "urn:mailroom:problem:validation");
		assertThat(field(to)).isEqualTo("to[0].name");
		JsonNode from = refused("""
				{"template": "alert", "to": [{"email": "a@example.com"}],
				 "from": {"email": "shop@example.com", "name": "Shop\\r"}, %s}""".formatted(ALERT_DATA), 400,
				"urn:mailroom:problem:validation");
		assertThat(field(from)).isEqualTo("from.name");
	}

	@Test
	void lineBreaksInCustomHeaderValuesAreRefused() {
		JsonNode problem = refused("""
				{"template": "alert", "to": [{"email": "a@example.com"}],
				 "headers": {"X-Campaign": "spring\\r\\nBcc: victim@example.com"}, %s}""".formatted(ALERT_DATA), 400,
				"urn:mailroom:problem:validation");
		assertThat(field(problem)).isEqualTo("headers.X-Campaign");
	}

	@Test
	void lineBreaksInAttachmentFileNamesAreRefused() {
		JsonNode problem = refused("""
				{"template": "alert", "to": [{"email": "a@example.com"}], %s,
				 "attachments": [{"filename": "invoice.pdf\\r\\nContent-Type: text/html", "contentType": "application/pdf",
				                  "content": "JVBERi0xLjQK"}]}""".formatted(ALERT_DATA), 400,
				"urn:mailroom:problem:validation");
		assertThat(field(problem)).isEqualTo("attachments[0].filename");
	}

	@ParameterizedTest
	@ValueSource(strings = { "Bcc", "bcc", "From", "Content-Type", "Content-Transfer-Encoding", "DKIM-Signature",
			"Return-Path", "Received", "Message-ID", "MIME-Version", "Date", "List-Unsubscribe",
			"List-Unsubscribe-Post" })
	void reservedHeadersAreRefused(String name) {
		JsonNode problem = refused("""
				{"template": "alert", "to": [{"email": "a@example.com"}], "headers": {"%s": "x"}, %s}"""
			.formatted(name, ALERT_DATA), 400, "urn:mailroom:problem:validation");
		assertThat(field(problem)).isEqualTo("headers." + name);
	}

	@Test
	void malformedJsonIs400() {
		JsonNode problem = refused("{\"template\": \"alert\", \"to\": [", 400, "urn:mailroom:problem:malformed-request");
		assertThat(problem.get("detail").asString()).startsWith("The body is not valid JSON");
	}

	@Test
	void unknownFieldsAre400AndNamed() {
		JsonNode top = refused("""
				{"template": "alert", "to": [{"email": "a@example.com"}], "colour": "red", %s}""".formatted(ALERT_DATA),
				400, "urn:mailroom:problem:malformed-request");
		assertThat(field(top)).isEqualTo("colour");
		JsonNode nested = refused("""
				{"template": "alert", "to": [{"emial": "a@example.com"}], %s}""".formatted(ALERT_DATA), 400,
				"urn:mailroom:problem:malformed-request");
		assertThat(field(nested)).isEqualTo("to[0].emial");
	}

	@Test
	void wrongTypesAre400AndNamed() {
		JsonNode problem = refused("""
				{"template": "alert", "to": [{"email": "a@example.com"}], "sendAt": "next tuesday", %s}"""
			.formatted(ALERT_DATA), 400, "urn:mailroom:problem:malformed-request");
		assertThat(field(problem)).isEqualTo("sendAt");
	}

	@Test
	void fiftyOneRecipientsAre400() {
		String to = IntStream.range(0, 30)
			.mapToObj(i -> "{\"email\": \"to" + i + "@example.com\"}")
			.collect(Collectors.joining(","));
		String bcc = IntStream.range(0, 21)
			.mapToObj(i -> "{\"email\": \"bcc" + i + "@example.com\"}")
			.collect(Collectors.joining(","));
		JsonNode problem = refused("""
				{"template": "alert", "to": [%s], "bcc": [%s], %s}""".formatted(to, bcc, ALERT_DATA), 400,
				"urn:mailroom:problem:validation");
		assertThat(problem.get("errors").get(0).get("message").asString()).contains("50");
	}

	@Test
	void sendAtInThePastIs400() {
		Instant past = clock.instant().minus(Duration.ofMinutes(5));
		JsonNode problem = refused("""
				{"template": "alert", "to": [{"email": "a@example.com"}], "sendAt": "%s", %s}"""
			.formatted(past, ALERT_DATA), 400, "urn:mailroom:problem:validation");
		assertThat(field(problem)).isEqualTo("sendAt");
	}

	@Test
	void sendAtMoreThanThirtyDaysAheadIs400() {
		Instant far = clock.instant().plus(Duration.ofDays(30)).plus(Duration.ofMinutes(1));
		JsonNode problem = refused("""
				{"template": "alert", "to": [{"email": "a@example.com"}], "sendAt": "%s", %s}"""
			.formatted(far, ALERT_DATA), 400, "urn:mailroom:problem:validation");
		assertThat(field(problem)).isEqualTo("sendAt");
	}

	@Test
	void attachmentsOfADisallowedTypeNotBase64OrTooLargeAre400() {
		JsonNode type = refused(attachment("run.exe", "application/x-msdownload", "TVqQAAMAAAAEAAAA"), 400,
				"urn:mailroom:problem:validation");
		assertThat(field(type)).isEqualTo("attachments[0].contentType");
		JsonNode base64 = refused(attachment("a.pdf", "application/pdf", "not base64 at all!"), 400,
				"urn:mailroom:problem:validation");
		assertThat(field(base64)).isEqualTo("attachments[0].content");
		String big = Base64.getEncoder().encodeToString(new byte[7 * 1024 * 1024 + 1]);
		JsonNode size = refused(attachment("big.pdf", "application/pdf", big), 400, "urn:mailroom:problem:validation");
		assertThat(field(size)).isEqualTo("attachments");
	}

	@Test
	void disallowedSenderIs400() {
		// The test configuration allows every sender: a malformed one still fails.
		JsonNode problem = refused("""
				{"template": "alert", "to": [{"email": "a@example.com"}], "from": {"email": "shop"}, %s}"""
			.formatted(ALERT_DATA), 400, "urn:mailroom:problem:validation");
		assertThat(field(problem)).isEqualTo("from.email");
	}

	@Test
	void tooManyTagsAndMetadataKeysAre400() {
		String tags = IntStream.range(0, 11).mapToObj(i -> "\"t" + i + "\"").collect(Collectors.joining(","));
		assertThat(field(refused("""
				{"template": "alert", "to": [{"email": "a@example.com"}], "tags": [%s], %s}""".formatted(tags, ALERT_DATA),
				400, "urn:mailroom:problem:validation"))).isEqualTo("tags");
		String metadata = IntStream.range(0, 21).mapToObj(i -> "\"k" + i + "\": \"v\"").collect(Collectors.joining(","));
		assertThat(field(refused("""
				{"template": "alert", "to": [{"email": "a@example.com"}], "metadata": {%s}, %s}"""
			.formatted(metadata, ALERT_DATA), 400, "urn:mailroom:problem:validation"))).isEqualTo("metadata");
	}

	/**
	 * NUL fits neither PostgreSQL's text nor its jsonb: in a metadata key it is refused with a 400;
	 * rendered from template data it becomes U+FFFD in the mail.
	 */
	@Test
	void nulInMetadataKeysIsRefusedAndFromTemplateDataItIsReplaced() {
		assertThat(field(refused("""
				{"template": "alert", "to": [{"email": "a@example.com"}], "metadata": {"\\u0000": "v"}, %s}"""
			.formatted(ALERT_DATA), 400, "urn:mailroom:problem:validation"))).isEqualTo("metadata");

		Api.Response response = api.post("/messages", """
				{"template": "alert", "to": [{"email": "nul@example.com"}],
				 "data": {"severity": "info", "title": "t\\u0000", "summary": "a\\u0000b"}}""");
		assertThat(response.status()).isEqualTo(202);
		JsonNode content = api.get("/messages/" + response.json().get("id").asString() + "/content").json();
		assertThat(content.get("html").asString()).contains("a\uFFFDb").doesNotContain("\u0000");
		assertThat(content.get("text").asString()).contains("a\uFFFDb").doesNotContain("\u0000");
	}

	@Test
	void theSameIdempotencyKeyTwiceReturnsTheSameMessageAndStoresOne() {
		String key = "order-" + UUID.randomUUID();
		String body = Payloads.orderConfirmation("idem@example.com");
		Api.Response first = api.post("/messages", body, Map.of("Idempotency-Key", key));
		Api.Response second = api.post("/messages", body, Map.of("Idempotency-Key", key));

		assertThat(first.status()).isEqualTo(202);
		assertThat(second.status()).isEqualTo(202);
		assertThat(second.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
		assertThat(second.header("Idempotent-Replayed")).isEqualTo("true");
		assertThat(jdbc.sql("select count(*) from recipient where email = 'idem@example.com'")
			.query(Integer.class)
			.single()).isEqualTo(1);
	}

	@Test
	void theSameIdempotencyKeyWithAnotherBodyIs409() {
		String key = "order-" + UUID.randomUUID();
		api.post("/messages", Payloads.orderConfirmation("idem-a@example.com"), Map.of("Idempotency-Key", key));
		long before = messages();
		Api.Response other = api.post("/messages", Payloads.orderConfirmation("idem-b@example.com"),
				Map.of("Idempotency-Key", key));
		assertThat(other.status()).isEqualTo(409);
		assertThat(other.json().get("type").asString()).isEqualTo("urn:mailroom:problem:idempotency-key-reused");
		assertThat(messages()).isEqualTo(before);
	}

	@Test
	void anOverlongIdempotencyKeyIs400() {
		JsonNode problem = refused(Payloads.orderConfirmation("a@example.com"), Map.of("Idempotency-Key", "k".repeat(256)),
				400, "urn:mailroom:problem:validation");
		assertThat(field(problem)).isEqualTo("Idempotency-Key");
	}

	private JsonNode refused(String body, int status, String type) {
		return refused(body, Map.of(), status, type);
	}

	private JsonNode refused(String body, Map<String, String> headers, int status, String type) {
		long before = messages();
		Api.Response response = api.post("/messages", body, headers);
		assertThat(response.status()).as(response.body()).isEqualTo(status);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		assertThat(response.json().get("type").asString()).isEqualTo(type);
		assertThat(response.json().get("status").asInt()).isEqualTo(status);
		assertThat(response.json().get("title").asString()).isNotBlank();
		assertThat(messages()).as("nothing stored").isEqualTo(before);
		return response.json();
	}

	private static String attachment(String filename, String contentType, String content) {
		return """
				{"template": "alert", "to": [{"email": "a@example.com"}], %s,
				 "attachments": [{"filename": "%s", "contentType": "%s", "content": "%s"}]}"""
			.formatted(ALERT_DATA, filename, contentType, content);
	}

	private static String field(JsonNode problem) {
		assertThat(problem.has("errors")).as(problem.toString()).isTrue();
		return problem.get("errors").get(0).get("field").asString();
	}

	private static String oversizedBody() {
		// 10 MiB is the default limit; the padding goes into the template data.
		return "{\"template\": \"alert\", \"to\": [{\"email\": \"big@example.com\"}], \"data\": {\"severity\": \"info\", "
				+ "\"title\": \"t\", \"summary\": \"" + "x".repeat(10 * 1024 * 1024 + 1) + "\"}}";
	}

	private long messages() {
		return jdbc.sql("select count(*) from message").query(Long.class).single();
	}

}
