package io.mailroom.template;

import java.util.List;

/**
 * What a template is and which defaults it gives a message.
 *
 * @param name template name
 * @param version current stored version, 0 for the built-in classpath template
 * @param builtIn whether the current version is the built-in one
 * @param marketing promotional template: messages get List-Unsubscribe headers (RFC 8058)
 * @param defaultPriority {@code high}, {@code normal} or {@code low}: the message priority when
 *     the request does not give one (alerts are {@code high})
 * @param variables the model's root variables the template may use ({@code order}, {@code customer})
 * @param required model paths that must be present and non-blank, e.g. {@code order.number} or
 *     {@code order.items[].quantity} (every list element)
 * @param locales language tags the template exists in; the first is the fallback
 */
public record TemplateInfo(String name, int version, boolean builtIn, boolean marketing, String defaultPriority,
		List<String> variables, List<String> required, List<String> locales) {

	public TemplateInfo {
		variables = List.copyOf(variables);
		required = List.copyOf(required);
		locales = List.copyOf(locales);
	}

}
