package io.mailroom.template;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Renders mail templates: the one entry point the message module uses. */
public interface MailTemplates {

	/**
	 * Renders {@code name} in {@code locale} (falling back to English) with {@code data} as model.
	 * @throws TemplateNotFoundException no stored or built-in template has that name
	 * @throws TemplateRenderingException a required variable is missing or the template fails
	 */
	RenderedTemplate render(String name, Locale locale, Map<String, Object> data);

	boolean exists(String name);

	/**
	 * The priority a template's messages get when the request names none ({@code high},
	 * {@code normal} or {@code low}); alerts are high.
	 */
	default Optional<String> defaultPriority(String name) {
		return "alert".equals(name) ? Optional.of("high") : Optional.empty();
	}

}
