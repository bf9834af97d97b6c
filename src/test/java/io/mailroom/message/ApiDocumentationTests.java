package io.mailroom.message;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.web.ProblemType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI document describes the whole messages and API key API, and the Swagger UI is served. */
@MailroomTest
class ApiDocumentationTests {

	private static final Map<String, List<String>> OPERATIONS = Map.of("/messages", List.of("get", "post"),
			"/messages/batch", List.of("post"), "/messages/{id}", List.of("get"), "/messages/{id}/content",
			List.of("get"), "/messages/{id}/cancel", List.of("post"), "/api-keys", List.of("get", "post"),
			"/api-keys/{id}", List.of("delete"));

	@LocalServerPort
	int port;

	Api api;

	@BeforeEach
	void setUp() {
		api = new Api(port);
	}

	@Test
	void theDocumentListsEveryEndpointWithASummaryResponsesAndTheApiKey() {
		JsonNode doc = openApi();
		JsonNode paths = doc.get("paths");
		OPERATIONS.forEach((path, methods) -> {
			assertThat(paths.has(path)).as(path).isTrue();
			for (String method : methods) {
				JsonNode operation = paths.get(path).get(method);
				assertThat(operation).as(method + " " + path).isNotNull();
				assertThat(operation.get("summary").asString()).as(method + " " + path).isNotBlank();
				assertThat(operation.get("responses").has("401")).as(method + " " + path).isTrue();
				assertThat(operation.get("security").get(0).has("apiKey")).as(method + " " + path).isTrue();
			}
		});
		assertThat(doc.get("components").get("securitySchemes").get("apiKey").get("scheme").asString())
			.isEqualTo("bearer");
		assertThat(paths.get("/messages").get("get").get("parameters").findValuesAsString("name"))
			.contains("status", "recipient", "tag", "template", "since", "until", "limit", "cursor");
	}

	@Test
	void requestsAndResponsesHaveSchemasAndExamples() {
		JsonNode doc = openApi();
		JsonNode schemas = doc.get("components").get("schemas");
		for (String schema : List.of("SendRequest", "Address", "Attachment", "AcceptedMessage", "AcceptedRecipient",
				"BatchRequest", "BatchResponse", "MessagePage", "MessageSummary", "RecipientSummary", "Message",
				"MessageRecipient", "DeliveryAttempt", "MessageEvent", "MessageContent", "ProblemDetail", "FieldProblem",
				"ApiKeyRequest", "CreatedApiKey", "ApiKey")) {
			assertThat(schemas.has(schema)).as(schema).isTrue();
		}
		assertThat(schemas.get("SendRequest").get("properties").has("attachments")).isTrue();
		assertThat(schemas.get("ProblemDetail").get("properties").has("errors")).isTrue();
		JsonNode send = doc.get("paths").get("/messages").get("post");
		assertThat(hasExample(send.get("requestBody").get("content").get("application/json"))).isTrue();
		assertThat(hasExample(send.get("responses").get("202").get("content").get("application/json"))).isTrue();
		assertThat(hasExample(send.get("responses").get("400").get("content").get("application/problem+json"))).isTrue();
		assertThat(hasExample(doc.get("paths").get("/messages/batch").get("post").get("requestBody").get("content")
			.get("application/json"))).isTrue();
		JsonNode batch = doc.get("paths").get("/messages/batch").get("post");
		assertThat(batch.get("responses").propertyNames()).contains("202", "207", "400", "422");
	}

	@Test
	void theSwaggerUiIsServedWithoutAKey() {
		Api.Response redirect = api.send(HttpRequest.newBuilder(api.request("/swagger-ui.html").build().uri()).GET().build());
		assertThat(redirect.status()).isEqualTo(302);
		String location = redirect.header("Location");
		assertThat(location).contains("/swagger-ui/index.html");

		Api.Response page = api.send(HttpRequest.newBuilder(api.request("/swagger-ui/index.html").build().uri()).GET().build());
		assertThat(page.status()).isEqualTo(200);
		assertThat(page.header("Content-Type")).startsWith("text/html");
		assertThat(page.body()).contains("swagger-ui");
	}

	@Test
	void theReadmeListsEveryProblemType() throws Exception {
		String readme = Files.readString(Path.of("README.md"));
		for (ProblemType type : ProblemType.values()) {
			String slug = type.type().toString().substring("urn:mailroom:problem:".length());
			assertThat(readme).as(slug)
				.contains("| `" + slug + "` | " + type.status().value() + " | " + type.title() + " |");
		}
	}

	private static boolean hasExample(JsonNode mediaType) {
		return mediaType.has("example") || (mediaType.has("examples") && !mediaType.get("examples").isEmpty());
	}

	private JsonNode openApi() {
		Api.Response response = api.send(HttpRequest.newBuilder(api.request("/v3/api-docs").build().uri()).GET().build());
		assertThat(response.status()).isEqualTo(200);
		return response.json();
	}

}
