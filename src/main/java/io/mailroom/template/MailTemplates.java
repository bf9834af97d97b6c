package io.mailroom.template;

import java.util.Locale;
import java.util.Map;

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
	 * The template's current version and defaults: its {@code defaultPriority} applies when a
	 * message gives none, {@code marketing} decides the List-Unsubscribe headers.
	 * @throws TemplateNotFoundException no stored or built-in template has that name
	 */
	TemplateInfo describe(String name);

}
