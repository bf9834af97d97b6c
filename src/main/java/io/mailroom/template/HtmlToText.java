package io.mailroom.template;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;

/**
 * Derives a plain-text part from mail HTML for templates without a text variant. Written for a
 * person reading it in a text-only client: paragraphs separated by blank lines, list items as
 * {@code - item}, table cells side by side, links as {@code text (url)}, images by their alt text,
 * and nothing that was hidden in the HTML (preheaders).
 */
final class HtmlToText {

	private static final Pattern WHITE_SPACE_PRE = Pattern.compile("white-space\\s*:\\s*pre");

	private static final Pattern SPACES = Pattern.compile("\\s+");

	private static final Set<String> BLOCKS = Set.of("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tbody",
			"thead", "tfoot", "tr", "ul", "ol", "li", "blockquote", "pre", "hr", "section", "article", "header",
			"footer", "address", "dl", "dt", "dd", "center", "figure", "figcaption", "main", "nav", "aside", "form");

	private static final Set<String> PARAGRAPHS = Set.of("p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol",
			"blockquote", "pre", "hr", "address", "dl", "figure");

	private static final Set<String> SKIPPED = Set.of("head", "style", "script", "title", "template", "noscript");

	private HtmlToText() {
	}

	static String convert(String html) {
		Out out = new Out();
		walk(Jsoup.parse(html).body(), out, false);
		return out.finish();
	}

	private static void walk(Node node, Out out, boolean preformatted) {
		if (node instanceof TextNode t) {
			out.text(preformatted ? t.getWholeText() : t.text(), preformatted);
			return;
		}
		if (!(node instanceof Element e)) {
			return;
		}
		String tag = e.normalName();
		if (SKIPPED.contains(tag) || hidden(e)) {
			return;
		}
		switch (tag) {
			case "br":
				out.lineBreak();
				return;
			case "hr":
				out.block(2);
				out.text("----", true);
				out.block(2);
				return;
			case "img":
				if (!e.attr("alt").isBlank()) {
					out.text(e.attr("alt"), false);
				}
				return;
			default:
				break;
		}
		boolean pre = preformatted || tag.equals("pre") || WHITE_SPACE_PRE.matcher(style(e)).find();
		if (BLOCKS.contains(tag)) {
			out.block(PARAGRAPHS.contains(tag) ? 2 : 1);
		}
		if (tag.equals("li")) {
			out.text(e.parent() != null && e.parent().normalName().equals("ol")
					? (e.elementSiblingIndex() + 1) + ". " : "- ", true);
		}
		if ((tag.equals("td") || tag.equals("th")) && e.elementSiblingIndex() > 0) {
			out.text("  ", true);
		}
		for (Node child : e.childNodes()) {
			walk(child, out, pre);
		}
		if (tag.equals("a")) {
			String href = e.attr("href").trim();
			String label = e.text().trim();
			String shown = href.toLowerCase(Locale.ROOT).startsWith("mailto:") ? href.substring(7) : href;
			if (!href.isEmpty() && !href.startsWith("#") && !label.equals(shown) && !label.equals(href)) {
				out.text(label.isEmpty() ? shown : " (" + shown + ")", true);
			}
		}
		if (BLOCKS.contains(tag)) {
			out.block(PARAGRAPHS.contains(tag) ? 2 : 1);
		}
	}

	private static boolean hidden(Element e) {
		String style = style(e).replace(" ", "");
		return style.contains("display:none") || e.hasAttr("hidden") || e.hasClass("preheader");
	}

	private static String style(Element e) {
		return e.attr("style").toLowerCase(Locale.ROOT);
	}

	/** Collects text, collapsing whitespace and turning block boundaries into newlines lazily. */
	private static final class Out {

		private final StringBuilder b = new StringBuilder();

		private int pendingNewlines;

		private boolean spaceBefore;

		void text(String s, boolean verbatim) {
			if (!verbatim) {
				boolean leading = !s.isEmpty() && Character.isWhitespace(s.charAt(0));
				boolean trailing = !s.isEmpty() && Character.isWhitespace(s.charAt(s.length() - 1));
				s = SPACES.matcher(s).replaceAll(" ").strip();
				if (s.isEmpty()) {
					spaceBefore |= leading || trailing;
					return;
				}
				if (leading) {
					spaceBefore = true;
				}
				emit(s);
				spaceBefore = trailing;
				return;
			}
			if (!s.isEmpty()) {
				emit(s);
				spaceBefore = false;
			}
		}

		private void emit(String s) {
			if (b.length() > 0 && pendingNewlines > 0) {
				b.append("\n".repeat(pendingNewlines));
			}
			else if (spaceBefore && b.length() > 0 && b.charAt(b.length() - 1) != '\n' && b.charAt(b.length() - 1) != ' ') {
				b.append(' ');
			}
			pendingNewlines = 0;
			b.append(s);
		}

		void block(int newlines) {
			pendingNewlines = Math.max(pendingNewlines, newlines);
			spaceBefore = false;
		}

		void lineBreak() {
			if (pendingNewlines > 0) {
				pendingNewlines = Math.max(pendingNewlines, 1);
			}
			else {
				b.append('\n');
			}
			spaceBefore = false;
		}

		String finish() {
			return b.toString();
		}

	}

}
