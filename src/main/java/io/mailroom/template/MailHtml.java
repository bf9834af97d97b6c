package io.mailroom.template;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;

/** Post-processing of rendered HTML before it becomes a mail part. */
final class MailHtml {

	private MailHtml() {
	}

	static String finish(String html) {
		Document doc = Jsoup.parse(html);
		doc.outputSettings().prettyPrint(false);
		return doc.outerHtml();
	}

}
