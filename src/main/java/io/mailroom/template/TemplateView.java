package io.mailroom.template;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A template version as {@code GET /templates/{name}} shows it.
 *
 * @param source {@code stored} or {@code built-in}
 * @param hasBuiltIn whether a built-in of this name exists (what DELETE falls back to)
 * @param versions stored versions, newest first (also those from before a DELETE)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record TemplateView(String name, int version, String source, boolean hasBuiltIn, String description,
		boolean marketing, String category, String priority, List<String> variables, List<String> required,
		String locale, String subject, String html, String text,
		Map<String, TemplateRequest.LocalizedSource> translations, Map<String, Object> sample, Instant createdAt,
		String createdBy, List<TemplateVersionSummary> versions) {
}
