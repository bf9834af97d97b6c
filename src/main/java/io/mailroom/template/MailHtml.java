package io.mailroom.template;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Turns rendered template HTML into a mail part: removes what a mail must not contain (scripts,
 * frames, external style sheets, event handlers, script URLs, even where a caller's data put them
 * into an {@code href}), then inlines the CSS.
 */
final class MailHtml {

	private static final String REMOVED_ELEMENTS = "script, noscript, iframe, frame, frameset, object, embed, applet, base, "
			+ "link, meta[http-equiv=refresh]";

	private static final Set<String> URL_ATTRIBUTES = Set.of("href", "src", "action", "formaction", "background",
			"poster", "cite", "longdesc", "xlink:href");

	private static final List<String> SAFE_SCHEMES = List.of("http:", "https:", "mailto:", "tel:", "cid:");

	private MailHtml() {
	}

	static String finish(String html) {
		Document doc = Jsoup.parse(html);
		doc.outputSettings().prettyPrint(false).charset("UTF-8");
		sanitize(doc);
		CssInliner.inline(doc);
		return doc.outerHtml();
	}

	static void sanitize(Document doc) {
		doc.select(REMOVED_ELEMENTS).remove();
		for (Element e : doc.getAllElements()) {
			for (Attribute a : List.copyOf(e.attributes().asList())) {
				String name = a.getKey().toLowerCase(Locale.ROOT);
				// th:* left over from a processor the sandbox does not have (th:insert) is noise
				if (name.startsWith("on") || name.equals("srcdoc") || name.startsWith("th:")
						|| name.startsWith("data-th-")) {
					e.removeAttr(a.getKey());
				}
				else if (URL_ATTRIBUTES.contains(name) && !safeUrl(e, name, a.getValue())) {
					e.removeAttr(a.getKey());
				}
				else if (name.equals("style")) {
					// a th:style fed with data may carry expression() or script URLs
					String style = CssInliner.render(CssInliner.declarations(a.getValue()));
					if (style.isEmpty()) {
						e.removeAttr(a.getKey());
					}
					else {
						e.attr(a.getKey(), style);
					}
				}
			}
		}
	}

	/** Web, mail, phone and inline-part URLs, relative ones, and inline images as data URLs. */
	static boolean safeUrl(Element element, String attribute, String value) {
		// browsers ignore control characters and spaces inside a scheme ("java\tscript:")
		String url = value.replaceAll("[\\x00-\\x20\\x7f]", "").toLowerCase(Locale.ROOT);
		int colon = url.indexOf(':');
		int slash = url.indexOf('/');
		if (colon < 0 || (slash >= 0 && slash < colon) || url.indexOf('?') >= 0 && url.indexOf('?') < colon
				|| url.indexOf('#') >= 0 && url.indexOf('#') < colon) {
			return true;
		}
		if (SAFE_SCHEMES.stream().anyMatch(url::startsWith)) {
			return true;
		}
		return element.tagName().equals("img") && attribute.equals("src") && url.startsWith("data:image/")
				&& !url.startsWith("data:image/svg");
	}

}
