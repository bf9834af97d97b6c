package io.mailroom.template;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One reason a template was refused when stored.
 *
 * @param field JSON path of the offending source in the request, e.g. {@code html} or
 *     {@code translations.de.subject}
 * @param line 1-based line in that source, or null when the problem is not in a source
 * @param column 1-based column, or null
 * @param message what is wrong
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TemplateProblem(String field, Integer line, Integer column, String message) {
}
