package io.mailroom.template;

import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Body of {@code PUT /templates/{name}}. Fields left out take the built-in's values when the name
 * is a built-in's (variables, required, priority, marketing, sample), else the defaults noted.
 */
@Schema(description = "A template version to store")
record TemplateRequest(@Schema(description = "what the template is for") String description,
		@Schema(description = "language of subject/html/text, and the fallback language", example = "en",
				defaultValue = "en") String locale,
		@Schema(description = "Thymeleaf TEXT template of the subject", requiredMode = Schema.RequiredMode.REQUIRED,
				example = "Your order [(${order.number})] is confirmed") String subject,
		@Schema(description = "Thymeleaf HTML template", requiredMode = Schema.RequiredMode.REQUIRED) String html,
		@Schema(description = "Thymeleaf TEXT template of the plain-text part; derived from the HTML when absent") String text,
		@Schema(description = "the same three sources in more languages, by language tag") Map<String, LocalizedSource> translations,
		@Schema(description = "promotional template: messages get List-Unsubscribe headers") Boolean marketing,
		@Schema(description = "transactional (default) or marketing; same as marketing=true") String category,
		@Schema(description = "default message priority", allowableValues = { "high", "normal", "low" }) String priority,
		@Schema(description = "model root variables the sources may use", example = "[\"customer\", \"order\"]") List<String> variables,
		@Schema(description = "model paths that must be present", example = "[\"order.number\", \"order.items[].sku\"]") List<String> required,
		@Schema(description = "example model, used by previews and checked when storing") Map<String, Object> sample) {

	/** Subject, HTML and text of one language. */
	record LocalizedSource(String subject, String html, String text) {
	}

}
