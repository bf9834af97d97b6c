package io.mailroom.security;

import java.util.List;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
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
