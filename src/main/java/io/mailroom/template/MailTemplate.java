package io.mailroom.template;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A template in all its languages, built-in or one stored version.
 *
 * @param sample example model, used by previews when no data is given (may be empty)
 */
record MailTemplate(TemplateInfo info, Map<String, TemplateSource> sources, Map<String, Object> sample) {

	MailTemplate {
		sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
		sample = sample == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(sample));
	}

	/** The language to use for {@code locale}: exact tag, then its language, then the fallback. */
	String languageFor(Locale locale) {
		if (locale != null) {
			String tag = locale.toLanguageTag();
			if (sources.containsKey(tag)) {
				return tag;
			}
			if (sources.containsKey(locale.getLanguage())) {
				return locale.getLanguage();
			}
		}
		return info.locales().get(0);
	}

}
