package io.mailroom.template;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

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
		doc.getAllElements()
			.stream()
			.filter(e -> removedElement(e.normalName(), e.attr("http-equiv")))
			.forEach(Element::remove);
		for (Element e : doc.getAllElements()) {
			for (Attribute a : List.copyOf(e.attributes().asList())) {
				String value = attribute(e.normalName(), a.getKey(), a.getValue());
				if (value == null) {
					e.removeAttr(a.getKey());
				}
				else if (!value.equals(a.getValue())) {
					e.attr(a.getKey(), value);
				}
			}
		}
	}

	/*
	 * The names are checked character by character, not with a regular expression: every
	 * attribute of every element of every rendering passes here, and a Matcher per check was a
	 * tenth of the accept path's allocations.
	 */

	/** {@code [a-z_:][-a-z0-9_:.]*} */
	static boolean attributeName(String name) {
		if (name.isEmpty()) {
			return false;
		}
		char first = name.charAt(0);
		if (!(first >= 'a' && first <= 'z' || first == '_' || first == ':')) {
			return false;
		}
		for (int i = 1; i < name.length(); i++) {
			char c = name.charAt(i);
			if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == ':' || c == '.')) {
				return false;
			}
		}
		return true;
	}

	/** {@code [a-z][a-z0-9-]*} between from and to. */
	private static boolean namePart(String s, int from, int to) {
		if (from >= to || s.charAt(from) < 'a' || s.charAt(from) > 'z') {
			return false;
		}
		for (int i = from + 1; i < to; i++) {
			char c = s.charAt(i);
			if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
				return false;
			}
		}
		return true;
	}

	/** What browsers leave out of a URL's scheme. */
	private static final Pattern URL_IGNORED = Pattern.compile("[\\x00-\\x20\\x7f]");

	/**
	 * Whether a (lower-case) element name is one a browser reads the same way: {@code script/x}
	 * is a name to a template parser but a script element with an attribute to a browser.
	 */
	static boolean validName(String tag) {
		// [a-z][a-z0-9-]*(:[a-z][a-z0-9-]*)?
		int colon = tag.indexOf(':');
		return colon < 0 ? namePart(tag, 0, tag.length())
				: namePart(tag, 0, colon) && namePart(tag, colon + 1, tag.length());
	}

	/** Whether an element with this (lower-case) name is dropped with its content. */
	static boolean removedElement(String tag, String httpEquiv) {
		return REMOVED_TAGS.contains(tag) || tag.equals("meta") && httpEquiv != null
				&& httpEquiv.trim().equalsIgnoreCase("refresh");
	}

	private static final Set<String> REMOVED_TAGS = Set.of("script", "noscript", "iframe", "frame", "frameset",
			"object", "embed", "applet", "base", "link");

	/**
	 * What becomes of an attribute of a mail's element (tag name in lower case, value unescaped):
	 * {@code null} when it goes (event handlers, script URLs, Thymeleaf leftovers), the value with
	 * only safe declarations for {@code style}, else the value unchanged.
	 */
	static String attribute(String tag, String attribute, String value) {
		String name = attribute.toLowerCase(Locale.ROOT);
		if (!attributeName(name)) {
			// "/onclick" from <a href=x/onclick=...>: a browser reads an onclick there
			return null;
		}
		// th:* left over from a processor the sandbox does not have (th:insert) is noise
		if (name.startsWith("on") || name.equals("srcdoc") || name.startsWith("th:") || name.startsWith("data-th-")) {
			return null;
		}
		if (URL_ATTRIBUTES.contains(name)) {
			return safeUrl(tag, name, value) ? value : null;
		}
		if (name.equals("style")) {
			// a th:style fed with data may carry expression() or script URLs
			String style = CssInliner.render(CssInliner.declarations(value));
			return style.isEmpty() ? null : style;
		}
		return value;
	}

	/** Web, mail, phone and inline-part URLs, relative ones, and inline images as data URLs. */
	static boolean safeUrl(String tag, String attribute, String value) {
		// browsers ignore control characters and spaces inside a scheme ("java\tscript:")
		String url = URL_IGNORED.matcher(value).replaceAll("").toLowerCase(Locale.ROOT);
		int colon = url.indexOf(':');
		int slash = url.indexOf('/');
		if (colon < 0 || (slash >= 0 && slash < colon) || url.indexOf('?') >= 0 && url.indexOf('?') < colon
				|| url.indexOf('#') >= 0 && url.indexOf('#') < colon) {
			return true;
		}
		if (SAFE_SCHEMES.stream().anyMatch(url::startsWith)) {
			return true;
		}
		return tag.equals("img") && attribute.equals("src") && url.startsWith("data:image/")
				&& !url.startsWith("data:image/svg");
	}

}
