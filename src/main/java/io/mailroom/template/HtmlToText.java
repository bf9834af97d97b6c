package io.mailroom.template;

import org.jsoup.Jsoup;

/** Derives a plain-text part from HTML for templates without a text variant. */
final class HtmlToText {

	private HtmlToText() {
	}

	static String convert(String html) {
		return Jsoup.parse(html).wholeText();
	}

}
