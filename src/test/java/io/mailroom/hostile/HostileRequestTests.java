package io.mailroom.hostile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile and broken request bodies: each gets a clear 4xx problem document and stores nothing.
 */
@MailroomTest
class HostileRequestTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	java.time.Clock clock;

	Api api;

	@BeforeEach
	void setUp() {
		api = new Api(port);
	}

	@Test
	void malformedJsonIsAMalformedRequest() {
		assertRefused(post("{\"template\": \"alert\", \"to\": [{\"email\": \"ana@example.com\""), 400,
				"malformed-request");
		assertRefused(post("not json at all"), 400, "malformed-request");
		assertRefused(post(""), 400, "malformed-request");
		assertRefused(post("[]"), 400, null);
	}

	@Test
	void wrongTypesAreRefused() {
		assertRefused(post("{\"template\": \"alert\", \"to\": \"ana@example.com\", \"data\": {}}"), 400, null);
		assertRefused(post(message("\"data\": [1, 2, 3]")), 400, null);
		assertRefused(post(message("\"headers\": {\"X-Campaign\": {\"nested\": true}}")), 400, null);
		assertRefused(post(message("\"tags\": \"checkout\"")), 400, null);
		assertRefused(post(message("\"sendAt\": \"tomorrow morning\"")), 400, null);
		assertRefused(post(message("\"attachments\": {\"filename\": \"a.pdf\"}")), 400, null);
		assertRefused(post(message("\"priority\": [\"high\"]")), 400, null);
	}

	@Test
	void unknownFieldsAreRefusedAtEveryLevel() {
		assertRefused(post(message("\"bodyHtml\": \"<p>hi</p>\"")), 400, "malformed-request");
		assertRefused(post("""
				{"template": "alert", "to": [{"email": "ana@example.com", "admin": true}], "data": {}}"""), 400,
				"malformed-request");
	}

	@Test
	void bodyAnnouncedOverTheLimitIsRefusedBeforeAnyOfItIsSent() throws Exception {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(("POST /messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + MailroomTest.API_KEY
					+ "\r\nContent-Type: application/json\r\nContent-Length: 52428800\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			String response = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
			assertThat(response).isEqualTo("HTTP/1.1 413");
		}
	}

	@Test
	void fiftyMegabyteChunkedBodyIsRefusedWith413WithoutBeingReadWhole() throws Exception {
		long total = 50L * 1024 * 1024;
		long before = storedMessages();
		AtomicLong supplied = new AtomicLong();
		long started = System.nanoTime();
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setSoTimeout(30_000);
			OutputStream out = socket.getOutputStream();
			out.write(("POST /messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + MailroomTest.API_KEY
					+ "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			// The client keeps pushing 64 KiB chunks of one endless JSON string until the server stops
			// reading (the write fails or blocks) or all 50 MB are out.
			Thread writer = new Thread(() -> {
				byte[] chunk = new byte[64 * 1024];
				java.util.Arrays.fill(chunk, (byte) 'a');
				byte[] head = "{\"template\": \"alert\", \"to\": [{\"email\": \"ana@example.com\"}], \"subject\": \""
					.getBytes(StandardCharsets.US_ASCII);
				byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
				byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
				try {
					out.write((Integer.toHexString(head.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
					out.write(head);
					out.write(crlf);
					while (supplied.get() < total) {
						out.write(size);
						out.write(chunk);
						out.write(crlf);
						supplied.addAndGet(chunk.length);
					}
					out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
					out.flush();
				}
				catch (IOException closedByServer) {
					// expected: the server refused the body and closed the connection
				}
			}, "chunked-writer");
			writer.setDaemon(true);
			writer.start();

			String response = readResponse(socket.getInputStream());

			assertThat(response).startsWith("HTTP/1.1 413");
			assertThat(response.toLowerCase(java.util.Locale.ROOT)).contains("content-type: application/problem+json");
			assertThat(response).contains("urn:mailroom:problem:payload-too-large");
			socket.close();
			writer.join(10_000);
		}
		// The server stopped reading at the 10 MiB limit (plus what sockets buffer): the client could
		// not push the other 40 MB.
		assertThat(supplied.get()).isLessThan(total / 2);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
		assertThat(storedMessages()).isEqualTo(before);
	}

	/** Reads the status line, the headers and (by Content-Length) the body of one HTTP/1.1 response. */
	private static String readResponse(InputStream in) throws IOException {
		StringBuilder head = new StringBuilder();
		while (!head.toString().endsWith("\r\n\r\n")) {
			int b = in.read();
			if (b < 0) {
				return head.toString();
			}
			head.append((char) b);
		}
		java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length:\\s*(\\d+)")
			.matcher(head);
		if (length.find()) {
			return head + new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8);
		}
		// chunked or close-delimited: read what arrives until the server closes the connection
		java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
		byte[] buffer = new byte[8192];
		try {
			for (int n; (n = in.read(buffer)) >= 0;) {
				body.write(buffer, 0, n);
			}
		}
		catch (IOException reset) {
			// the server may reset the connection it refused; what arrived before is the response
		}
		return head + body.toString(StandardCharsets.UTF_8);
	}

	@Test
	void tenThousandRecipientsAreRefusedAsAValidationProblem() {
		String recipients = IntStream.range(0, 10_000)
			.mapToObj(i -> "{\"email\": \"r" + i + "@example.com\"}")
			.collect(Collectors.joining(","));
		Api.Response response = post("{\"template\": \"alert\", \"to\": [" + recipients + "], " + ALERT_DATA + "}");
		assertRefused(response, 400, "validation");
		assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("to");
		assertThat(response.json().get("errors").get(0).get("message").asString()).contains("at most 50");
	}

	@Test
	void lineBreaksInEveryFieldThatReachesAHeaderAreRefused() {
		String injection = JSON.writeValueAsString("Hello\r\nBcc: victim@example.net");
		assertRefusedField(message("\"subject\": " + injection), "subject");
		assertRefusedField("""
				{"template": "alert", "to": [{"email": "ana@example.com", "name": %s}], %s}"""
			.formatted(injection, ALERT_DATA), "to[0].name");
		assertRefusedField(message("\"cc\": [{\"email\": \"cc@example.com\", \"name\": " + injection + "}]"),
				"cc[0].name");
		assertRefusedField(message("\"from\": {\"email\": \"shop@example.com\", \"name\": " + injection + "}"),
				"from.name");
		assertRefusedField(message("\"replyTo\": \"help@example.com\\r\\nBcc: victim@example.net\""), "replyTo");
		assertRefusedField(message("\"headers\": {\"X-Campaign\": " + injection + "}"), "headers.X-Campaign");
		assertRefusedField(message("\"headers\": {\"X-Campaign\\r\\nBcc\": \"victim@example.net\"}"), null);
		assertRefusedField(message("\"headers\": {\"Bcc\": \"victim@example.net\"}"), "headers.Bcc");
		assertRefusedField(message("\"attachments\": [{\"filename\": \"invoice.pdf\\r\\nBcc: victim@example.net\","
				+ " \"contentType\": \"application/pdf\", \"content\": \"JVBERi0xLjQK\"}]"), "attachments[0].filename");
		// The alert's subject comes from data.title: the renderer folds a line break there into a
		// space, so it cannot start a header either.
		Api.Response folded = post("""
				{"template": "alert", "to": [{"email": "ana@example.com"}],
				 "data": {"severity": "critical", "title": "Disk\\r\\nBcc: victim@example.net", "summary": "s"}}""");
		assertThat(folded.status()).isEqualTo(202);
		String subject = api.get("/messages/" + folded.json().get("id").asString()).json().get("subject").asString();
		assertThat(subject).doesNotContain("\r").doesNotContain("\n").contains("Bcc: victim@example.net");
	}

	@Test
	void nulBytesAreRefusedWhereverTheyWouldReachAHeader() {
		assertRefusedField(message("\"subject\": \"a\\u0000b\""), "subject");
		assertRefusedField("""
				{"template": "alert", "to": [{"email": "ana@example.com", "name": "Ana\\u0000"}], %s}"""
			.formatted(ALERT_DATA), "to[0].name");
		assertRefusedField(message("\"headers\": {\"X-Campaign\": \"spring\\u0000\"}"), "headers.X-Campaign");
		assertRefusedField("""
				{"template": "alert", "to": [{"email": "ana\\u0000@example.com"}], %s}""".formatted(ALERT_DATA),
				"to[0].email");
	}

	@Test
	void invalidUtf8IsAMalformedRequest() {
		byte[] prefix = "{\"template\": \"alert\", \"to\": [{\"email\": \"ana@example.com\"}], \"subject\": \""
			.getBytes(StandardCharsets.US_ASCII);
		byte[] suffix = ("\", " + ALERT_DATA + "}").getBytes(StandardCharsets.US_ASCII);
		for (byte[] bad : new byte[][] { { (byte) 0xC3, 0x28 }, { (byte) 0xFF, (byte) 0xFE },
				{ (byte) 0xED, (byte) 0xA0, (byte) 0x80 }, { (byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80 } }) {
			byte[] body = new byte[prefix.length + bad.length + suffix.length];
			System.arraycopy(prefix, 0, body, 0, prefix.length);
			System.arraycopy(bad, 0, body, prefix.length, bad.length);
			System.arraycopy(suffix, 0, body, prefix.length + bad.length, suffix.length);
			long before = storedMessages();
			Api.Response response = api.send(api.request("/messages")
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofByteArray(body))
				.build());
			assertProblem(response, 400, "malformed-request");
			assertThat(storedMessages()).isEqualTo(before);
		}
	}

	@Test
	void loneSurrogateEscapeInAHeaderFieldIsRefused() {
		assertRefusedField(message("\"subject\": \"broken \\uD800 pair\""), "subject");
	}

	@ParameterizedTest
	@ValueSource(strings = { "plainaddress", "@example.com", "ana@", "ana@@example.com", "ana@example",
			"ana..lima@example.com", ".ana@example.com", "ana.@example.com", "ana lima@example.com",
			"\"unterminated@example.com", "ana@-example.com", "ana@example-.com", "ana@exa_mple.com",
			"ana@example..com", "Ana Lima <ana@example.com>", "ana@example.com (comment)",
			"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.com",
			"ana@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.com" })
	void invalidAddressesAreRefused(String address) {
		assertRefusedField("""
				{"template": "alert", "to": [{"email": %s}], %s}""".formatted(JSON.writeValueAsString(address),
				ALERT_DATA), "to[0].email");
	}

	@Test
	void addressOverTheTotalLengthLimitIsRefused() {
		// 64 + 1 + 207 octets: each part within its own limit, the whole over RFC 5321's 254.
		String label = "a".repeat(50);
		String domain = String.join(".", label, label, label, label) + ".com";
		assertRefusedField("""
				{"template": "alert", "to": [{"email": "%s@%s"}], %s}""".formatted("b".repeat(64), domain, ALERT_DATA),
				"to[0].email");
		assertRefusedField("""
				{"template": "alert", "to": [{"email": "ana@%s.com"}], %s}""".formatted(
				String.join(".", "a".repeat(63), "a".repeat(63), "a".repeat(63), "a".repeat(63)), ALERT_DATA),
				"to[0].email");
	}

	@ParameterizedTest
	@ValueSource(strings = { "\"ana lima\"@example.com", "\"ana@home\"@example.com", "ana+tag@example.com",
			"ana@bücher.example", "josé@example.com", "用户@例子.example", "o'brien@example.com",
			"ana@xn--bcher-kva.example" })
	void unusualButValidAddressesAreAccepted(String address) {
		long before = storedMessages();
		Api.Response response = post("""
				{"template": "alert", "to": [{"email": %s}], %s}""".formatted(JSON.writeValueAsString(address),
				ALERT_DATA));
		assertThat(response.status()).as(response.body()).isEqualTo(202);
		assertThat(storedMessages()).isEqualTo(before + 1);
	}

	@Test
	void sendAtInThePastOrYearsAheadIsRefused() {
		Instant now = clock.instant();
		assertRefusedField(message("\"sendAt\": \"" + now.minus(1, ChronoUnit.HOURS) + "\""), "sendAt");
		assertRefusedField(message("\"sendAt\": \"" + now.plus(3650, ChronoUnit.DAYS) + "\""), "sendAt");
		assertRefusedField(message("\"sendAt\": \"+999999999-12-31T23:59:59Z\""), null);
	}

	@Test
	void refusedRequestsNeverAnswerWithAServerError() {
		for (String body : new String[] { "null", "0", "\"string\"", "{}", "{\"template\": null}",
				"{\"template\": \"alert\", \"to\": [null]}", "{\"template\": \"alert\", \"to\": [{}]}",
				"{\"template\": \"alert\", \"to\": [{\"email\": \"a@example.com\"}], \"data\": null}",
				"{\"template\": \"alert\", \"to\": [{\"email\": \"a@example.com\"}], \"headers\": {\"\": \"x\"}}",
				"{\"template\": \"alert\", \"to\": [{\"email\": \"a@example.com\"}], \"metadata\": {\"\": \"x\"}}",
				"{\"template\": \"../../etc/passwd\", \"to\": [{\"email\": \"a@example.com\"}]}",
				"{\"template\": \"alert\", \"to\": [{\"email\": \"a@example.com\"}], \"attachments\": [null]}",
				"{\"template\": \"alert\", \"to\": [{\"email\": \"a@example.com\"}], \"locale\": \"\\u0000\"}" }) {
			long before = storedMessages();
			Api.Response response = post(body);
			assertThat(response.status()).as(body + " → " + response.body()).isBetween(400, 499);
			assertThat(response.json()).as(body).isNotNull();
			assertThat(response.json().get("type").asString()).startsWith("urn:mailroom:problem:");
			assertThat(storedMessages()).isEqualTo(before);
		}
	}

	private static final String ALERT_DATA = """
			"data": {"severity": "warning", "title": "Disk almost full", "summary": "92 % used"}""";

	private static String message(String extraField) {
		return """
				{"template": "alert", "to": [{"email": "ana@example.com"}], %s, %s}""".formatted(ALERT_DATA, extraField);
	}

	private Api.Response post(String body) {
		return api.post("/messages", body);
	}

	private long storedMessages() {
		return jdbc.sql("select count(*) from message").query(Long.class).single();
	}

	/** Sends {@code body} expecting a 400 validation problem naming {@code field} (any field if null). */
	private void assertRefusedField(String body, String field) {
		long before = storedMessages();
		Api.Response response = post(body);
		assertProblem(response, 400, null);
		if (field != null) {
			assertThat(response.json().get("errors").findValuesAsString("field")).as(response.body()).contains(field);
		}
		assertThat(storedMessages()).isEqualTo(before);
	}

	private void assertRefused(Api.Response response, int status, String slug) {
		assertProblem(response, status, slug);
	}

	private void assertProblem(Api.Response response, int status, String slug) {
		assertThat(response.status()).as(response.body()).isEqualTo(status);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		assertThat(response.json().get("type").asString()).startsWith("urn:mailroom:problem:");
		if (slug != null) {
			assertThat(response.json().get("type").asString()).isEqualTo("urn:mailroom:problem:" + slug);
		}
		assertThat(response.json().get("detail").asString()).isNotBlank();
	}

}
