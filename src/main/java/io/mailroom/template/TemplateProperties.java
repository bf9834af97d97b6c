package io.mailroom.template;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code mailroom.templates.*}.
 *
 * @param renderTimeout how long one rendering (subject, HTML and text together) may take
 * @param maxOutputChars the most characters one rendering may produce; caps templates that loop
 *     over large data
 * @param cacheTtl how long an instance reuses what it read about a stored template; a change made
 *     through another instance is seen after at most this long (this instance sees its own at once)
 */
@ConfigurationProperties("mailroom.templates")
public record TemplateProperties(Duration renderTimeout, Long maxOutputChars, Duration cacheTtl) {

	public TemplateProperties {
		if (renderTimeout == null) {
			renderTimeout = Duration.ofSeconds(5);
		}
		if (maxOutputChars == null) {
			maxOutputChars = 5_000_000L;
		}
		if (cacheTtl == null) {
			cacheTtl = Duration.ofSeconds(5);
		}
		if (cacheTtl.isNegative() || renderTimeout.isNegative() || renderTimeout.isZero() || maxOutputChars <= 0) {
			throw new IllegalArgumentException("mailroom.templates.render-timeout and max-output-chars must be positive");
		}
	}

}
