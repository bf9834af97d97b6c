package io.mailroom.template;

import java.util.Locale;
import java.util.Map;

/** A template in all its languages, built-in or one stored version. */
record MailTemplate(TemplateInfo info, Map<String, TemplateSource> sources) {

	MailTemplate {
		sources = Map.copyOf(sources);
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
