package io.mailroom.template;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Builds unsaved templates and the sandbox parts for tests that work below {@link TemplateCatalog}. */
final class Drafts {

	static final SandboxedTemplateEngine ENGINE = new SandboxedTemplateEngine();

	private Drafts() {
	}

	static MailRenderer renderer() {
		return renderer(Duration.ofSeconds(5), 5_000_000);
	}

	static MailRenderer renderer(Duration timeout, long maxOutputChars) {
		return new MailRenderer(ENGINE, timeout, maxOutputChars);
	}

	static TemplateValidator validator() {
		return new TemplateValidator(ENGINE, Duration.ofSeconds(5), 5_000_000);
	}

	static MailTemplate html(String html, String... variables) {
		return template("Subject", html, null, variables);
	}

	static MailTemplate template(String subject, String html, String text, String... variables) {
		TemplateInfo info = new TemplateInfo("draft", 1, false, false, "normal", List.of(variables), List.of(),
				List.of("en"));
		return new MailTemplate(info, Map.of("en", new TemplateSource(subject, html, text)), Map.of());
	}

}
