package io.mailroom.template;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code mailroom.templates.*}.
 *
 * @param renderTimeout how long one rendering (subject, HTML and text together) may take
 * @param maxOutputChars the most characters one rendering may produce; caps templates that loop
 *     over large data
 */
@ConfigurationProperties("mailroom.templates")
public record TemplateProperties(Duration renderTimeout, Long maxOutputChars) {

	public TemplateProperties {
		if (renderTimeout == null) {
			renderTimeout = Duration.ofSeconds(5);
		}
		if (maxOutputChars == null) {
			maxOutputChars = 5_000_000L;
		}
		if (renderTimeout.isNegative() || renderTimeout.isZero() || maxOutputChars <= 0) {
			throw new IllegalArgumentException("mailroom.templates.render-timeout and max-output-chars must be positive");
		}
	}

}
