package io.mailroom.security;

import java.util.List;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What every operation of the OpenAPI document shares: the Bearer API key and the problem
 * responses that controllers refer to ({@code #/components/responses/Unauthorized}, …).
 */
@Configuration(proxyBeanMethods = false)
class ApiDocumentation {

	static final String SCHEME = "apiKey";

	/** Paths the API key filter leaves open: they get no security requirement. */
	private static final List<String> OPEN = List.of("/unsubscribe", "/local", "/actuator");

	@Bean
	OpenApiCustomizer apiKeySecurity() {
		return openApi -> {
			if (openApi.getInfo() == null || "OpenAPI definition".equals(openApi.getInfo().getTitle())) {
				openApi.info(new Info().title("mailroom")
					.version("1")
					.description("Self-hosted transactional email: send templated messages, follow their delivery, "
							+ "manage API keys. Authenticate with 'Authorization: Bearer <api key>'. Errors are RFC 9457 "
							+ "problem documents (application/problem+json) with a stable type."));
			}
			Components components = openApi.getComponents() == null ? new Components() : openApi.getComponents();
			openApi.setComponents(components);
			components.addSecuritySchemes(SCHEME, new SecurityScheme().type(SecurityScheme.Type.HTTP)
				.scheme("bearer")
				.description("An API key: the configured MAILROOM_API_KEY or one from POST /api-keys (mr_…)"));
			components.addResponses("Unauthorized", problem("Missing or invalid API key", "unauthorized", 401,
					"A valid API key is required", "Send a valid API key as 'Authorization: Bearer <key>'"));
			components.addResponses("Forbidden", problem("The key may not do this (test-mode keys cannot manage keys)",
					"forbidden", 403, "This API key may not do that", "A test-mode key cannot manage API keys"));
			components.addResponses("NotFound", problem("No such resource", "not-found", 404, "No such resource",
					"No message msg_019ac6d47b2a70008000000000000001"));
			// ProblemDetail as it is written: extension members at the top level, not under "properties".
			components.addSchemas("ProblemDetail", problemSchema());
			components.addSchemas("FieldProblem", new ObjectSchema().description("One invalid field")
				.addProperty("field", new StringSchema().example("to[0].email"))
				.addProperty("message", new StringSchema().example("is not an email address (local-part@domain)")));
			if (openApi.getPaths() != null) {
				openApi.getPaths().forEach((path, item) -> {
					if (OPEN.stream().noneMatch(path::startsWith)) {
						item.readOperations()
							.forEach(operation -> operation.setSecurity(List.of(new SecurityRequirement().addList(SCHEME))));
					}
				});
			}
		};
	}

	private static Schema<?> problemSchema() {
		return new ObjectSchema()
			.description("An RFC 9457 problem document; 'type' is one of the urn:mailroom:problem:* types listed in the README")
			.addProperty("type", new StringSchema().format("uri").example("urn:mailroom:problem:validation"))
			.addProperty("title", new StringSchema().example("The request is invalid"))
			.addProperty("status", new IntegerSchema().example(400))
			.addProperty("detail", new StringSchema().example("to[0].email: is not an email address (local-part@domain)"))
			.addProperty("instance", new StringSchema().format("uri").example("/messages"))
			.addProperty("errors", new ArraySchema().items(new Schema<>().$ref("#/components/schemas/FieldProblem"))
				.description("validation failures (types validation, malformed-request, unknown-template, template-error)"))
			.addProperty("messages", new ArraySchema().items(new ObjectSchema())
				.description("batch-rejected only: each message's problem document, in request order"));
	}

	private static ApiResponse problem(String description, String slug, int status, String title, String detail) {
		Schema<?> schema = new Schema<>().$ref("#/components/schemas/ProblemDetail");
		MediaType mediaType = new MediaType().schema(schema)
			.example(java.util.Map.of("type", "urn:mailroom:problem:" + slug, "title", title, "status", status,
					"detail", detail));
		return new ApiResponse().description(description)
			.content(new Content().addMediaType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE,
					mediaType));
	}

}
