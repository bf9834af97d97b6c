package io.mailroom.template;

import java.util.Locale;
import java.util.Map;

import org.springframework.stereotype.Component;

/**
 * The {@link MailTemplates} of the service: finds a template by name and renders it in the
 * sandbox.
 */
@Component
class TemplateCatalog implements MailTemplates {

	private final BuiltInTemplates builtIns;

	private final MailRenderer renderer;

	TemplateCatalog(TemplateProperties properties) {
		this.builtIns = BuiltInTemplates.load();
		this.renderer = new MailRenderer(new SandboxedTemplateEngine(), properties.renderTimeout(),
				properties.maxOutputChars());
		renderSamples();
	}

	/**
	 * Renders every built-in with its sample in every language: a broken built-in stops the start
	 * instead of failing the first message, and the first real rendering finds parsed templates.
	 */
	private void renderSamples() {
		for (MailTemplate template : builtIns.all().values()) {
			for (String language : template.info().locales()) {
				renderer.render(template, Locale.forLanguageTag(language), template.sample());
			}
		}
	}

	@Override
	public RenderedTemplate render(String name, Locale locale, Map<String, Object> data) {
		return renderer.render(find(name), locale, data);
	}

	@Override
	public boolean exists(String name) {
		return builtIns.find(name).isPresent();
	}

	@Override
	public TemplateInfo describe(String name) {
		return find(name).info();
	}

	private MailTemplate find(String name) {
		return builtIns.find(name).orElseThrow(() -> new TemplateNotFoundException(name));
	}

}
