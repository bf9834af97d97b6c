package io.mailroom.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for tests that call the running application as a client would. */
public class Api {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final JsonMapper json = JsonMapper.builder().build();

	private final String base;

	public Api(int port) {
		this.base = "http://127.0.0.1:" + port;
	}

	public record Response(int status, Map<String, java.util.List<String>> headers, String body, JsonNode json) {

		public String header(String name) {
			return headers.entrySet()
				.stream()
				.filter(e -> e.getKey().equalsIgnoreCase(name))
				.flatMap(e -> e.getValue().stream())
				.findFirst()
				.orElse(null);
		}

	}

	public Response post(String path, String body) {
		return post(path, body, Map.of());
	}

	public Response post(String path, String body, Map<String, String> headers) {
		HttpRequest.Builder request = request(path).POST(HttpRequest.BodyPublishers.ofString(body))
			.header("Content-Type", "application/json");
		headers.forEach(request::header);
		return send(request.build());
	}

	public Response get(String path) {
		return send(request(path).GET().build());
	}

	public Response delete(String path) {
		return send(request(path).DELETE().build());
	}

	public Response put(String path, String body) {
		return send(request(path).PUT(HttpRequest.BodyPublishers.ofString(body))
			.header("Content-Type", "application/json")
			.build());
	}

	public Response send(HttpRequest request) {
		try {
			HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
			String body = response.body();
			JsonNode node = null;
			if (body != null && !body.isBlank() && (body.startsWith("{") || body.startsWith("["))) {
				node = json.readTree(body);
			}
			return new Response(response.statusCode(), response.headers().map(), body, node);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	public HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create(base + path))
			.timeout(Duration.ofSeconds(30))
			.header("Authorization", "Bearer " + MailroomTest.API_KEY);
	}

}
