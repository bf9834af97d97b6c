package io.mailroom.template;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jsoup.nodes.DataNode;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;
import org.jsoup.select.Selector;

/**
 * Moves {@code <style>} rules into {@code style} attributes, because Outlook and many webmail
 * clients ignore or strip style sheets. Rules apply in CSS cascade order: {@code !important}
 * first, then specificity, then source order; an element's own {@code style} attribute wins over
 * normal sheet rules but not over important ones. What cannot live in an attribute stays in one
 * {@code <style>} block in the head: {@code @media} queries (responsive layout for clients that do
 * support them), {@code @font-face}, and dynamic pseudo-classes ({@code :hover}).
 * {@code @import} is dropped: a mail must not load external style sheets.
 */
final class CssInliner {

	/** Selectors an attribute cannot express; they only work from a style sheet. */
	private static final Pattern NOT_INLINABLE = Pattern
		.compile("::|:(hover|focus|active|visited|link|target|focus-within|focus-visible|before|after|first-line|first-letter)\\b",
				Pattern.CASE_INSENSITIVE);

	private CssInliner() {
	}

	/**
	 * Parsed style sheets by their text. Templates are few and their {@code <style>} blocks are
	 * fixed text (data lands in attributes and text, not in style sheets), so a handful of entries
	 * serve every message; parsing selectors for each message was most of the inlining cost.
	 */
	private static final Cache<String, StyleSheet> SHEETS = Caffeine.newBuilder().maximumSize(500).build();

	static void inline(Document doc) {
		StringBuilder kept = new StringBuilder();
		Map<Element, List<Rule>> byElement = new IdentityHashMap<>();
		int order = 0;
		for (Element style : doc.select("style")) {
			if (!screenMedia(style.attr("media"))) {
				// a style sheet for print or a media query: it cannot be inlined
				kept.append(keptMedia(style.attr("media"), style.data()));
				style.remove();
				continue;
			}
			StyleSheet sheet = sheet(style.data());
			kept.append(sheet.kept());
			for (StyleRule rule : sheet.rules()) {
				// only the body is rendered; a style attribute in <head> is noise
				Rule cascaded = new Rule(rule.declarations(), rule.specificity(), order++);
				for (Element e : doc.body().select(rule.evaluator())) {
					byElement.computeIfAbsent(e, k -> new ArrayList<>()).add(cascaded);
				}
			}
			style.remove();
		}
		byElement.forEach((element, matching) -> element.attr("style", cascade(matching, element.attr("style"))));
		if (!kept.isEmpty()) {
			doc.head().appendElement("style").attr("type", "text/css")
				.appendChild(new DataNode("\n" + styleElementText(kept.toString())));
		}
	}

	/** A style sheet for another medium, kept whole in the head. */
	static String keptMedia(String media, String css) {
		if (MEDIA_BREAKOUT.matcher(media).find()) {
			// not a media query: it would end the rule or the style element it is copied into
			return "";
		}
		return "@media " + media + " {\n" + css + "\n}\n";
	}

	private static final Pattern MEDIA_BREAKOUT = Pattern.compile("[<>{};]");

	private static final Pattern STYLE_END = Pattern.compile("(?i)</(style)");

	/** Kept CSS as the text of a {@code <style>} element: nothing in it may end the element. */
	static String styleElementText(String kept) {
		return STYLE_END.matcher(kept).replaceAll("<\\\\/$1");
	}

	/** Whether a {@code <style media>} applies to the screen, so its rules can be inlined. */
	static boolean screenMedia(String media) {
		String m = media == null ? "" : media.trim().toLowerCase(Locale.ROOT);
		return m.isEmpty() || m.equals("all") || m.equals("screen");
	}

	static StyleSheet sheet(String css) {
		return SHEETS.get(css, CssInliner::parse);
	}

	private static StyleSheet parse(String css) {
		StringBuilder kept = new StringBuilder();
		List<StyleRule> rules = new ArrayList<>();
		for (Block block : blocks(stripComments(css))) {
			if (block.prelude().startsWith("@")) {
				if (!block.prelude().toLowerCase(Locale.ROOT).startsWith("@import")) {
					kept.append(block.text()).append('\n');
				}
				continue;
			}
			Map<String, Declaration> declarations = declarations(block.body());
			for (String selector : splitTopLevel(block.prelude(), ',')) {
				selector = selector.trim();
				if (selector.isEmpty()) {
					continue;
				}
				if (NOT_INLINABLE.matcher(selector).find()) {
					kept.append(selector).append(" { ").append(block.body().trim()).append(" }\n");
					continue;
				}
				try {
					rules.add(new StyleRule(QueryParser.parse(selector), Collections.unmodifiableMap(declarations),
							specificity(selector), subjectKey(selector), !LOOKS_AHEAD.matcher(selector).find()));
				}
				catch (Selector.SelectorParseException ex) {
					kept.append(selector).append(" { ").append(block.body().trim()).append(" }\n");
				}
			}
		}
		return new StyleSheet(List.copyOf(rules), kept.toString());
	}

	/**
	 * The style attribute of an element that {@code matching} rules select: sheet rules in cascade
	 * order, then the element's own {@code style} (which beats sheet rules that are not
	 * {@code !important}), then the important ones. Sorts {@code matching}.
	 */
	static String cascade(List<Rule> matching, String ownStyle) {
		matching.sort(CASCADE);
		Map<String, Declaration> normal = new LinkedHashMap<>();
		Map<String, Declaration> important = new LinkedHashMap<>();
		for (Rule rule : matching) {
			rule.declarations().forEach((property, d) -> {
				Map<String, Declaration> target = d.important() ? important : normal;
				target.remove(property);
				target.put(property, d);
			});
		}
		declarations(ownStyle).forEach((property, d) -> {
			if (d.important() || !important.containsKey(property)) {
				normal.remove(property);
				normal.put(property, d);
				if (d.important()) {
					important.remove(property);
				}
			}
		});
		important.forEach((property, d) -> {
			normal.remove(property);
			normal.put(property, d);
		});
		return render(normal);
	}

	/** The order in which rules are applied: by specificity, then by their position. */
	static final Comparator<Rule> CASCADE = Comparator.comparingInt(Rule::specificity)
		.thenComparingInt(Rule::order);

	/**
	 * Pseudo-classes that depend on what follows an element (later siblings, its content): they
	 * can only be matched against a finished document, not while the HTML is being written.
	 */
	private static final Pattern LOOKS_AHEAD = Pattern.compile(
			":(last-|only-|nth-last-|empty|has|contains|matches|match)", Pattern.CASE_INSENSITIVE);

	/**
	 * Where a rule is filed for quick lookup: {@code .class}, {@code #id} or the tag name of the
	 * selector's last compound (its subject), lower case; empty when it names none of them.
	 */
	static String subjectKey(String selector) {
		if (selector.indexOf('\\') >= 0) {
			// escaped characters (.sm\:x): checked for every element rather than decoded here
			return "";
		}
		int depth = 0;
		int start = 0;
		for (int i = 0; i < selector.length(); i++) {
			char c = selector.charAt(i);
			if (c == '(' || c == '[') {
				depth++;
			}
			else if (c == ')' || c == ']') {
				depth = Math.max(0, depth - 1);
			}
			else if (depth == 0 && (Character.isWhitespace(c) || c == '>' || c == '+' || c == '~')) {
				start = i + 1;
			}
		}
		String subject = selector.substring(start).replaceAll("\\([^)]*\\)|\\[[^\\]]*\\]", "");
		Matcher cls = SUBJECT_CLASS.matcher(subject);
		if (cls.find()) {
			return "." + cls.group(1).toLowerCase(Locale.ROOT);
		}
		Matcher id = SUBJECT_ID.matcher(subject);
		if (id.find()) {
			return "#" + id.group(1).toLowerCase(Locale.ROOT);
		}
		Matcher tag = SUBJECT_TAG.matcher(subject);
		return tag.find() ? tag.group(1).toLowerCase(Locale.ROOT) : "";
	}

	private static final Pattern SUBJECT_CLASS = Pattern.compile("\\.([\\w-]+)");

	private static final Pattern SUBJECT_ID = Pattern.compile("#([\\w-]+)");

	private static final Pattern SUBJECT_TAG = Pattern.compile("^([a-zA-Z][\\w-]*)");

	static String render(Map<String, Declaration> declarations) {
		StringBuilder b = new StringBuilder();
		declarations.forEach((property, d) -> {
			if (!b.isEmpty()) {
				b.append(' ');
			}
			b.append(property).append(": ").append(d.value());
			if (d.important()) {
				b.append(" !important");
			}
			b.append(';');
		});
		return b.toString();
	}

	/** Declarations of a rule body or style attribute, later ones replacing earlier ones. */
	static Map<String, Declaration> declarations(String body) {
		return DECLARATIONS.get(body, CssInliner::parseDeclarations);
	}

	/**
	 * Parsed style attributes and rule bodies: a template writes the same few hundred again in
	 * every rendering (each checked against the property and value patterns). Bounded by their
	 * length, since a style attribute may come from data.
	 */
	private static final Cache<String, Map<String, Declaration>> DECLARATIONS = Caffeine.newBuilder()
		.maximumWeight(4_000_000)
		.weigher((String body, Map<String, Declaration> parsed) -> body.length() + 64 * (parsed.size() + 1))
		.build();

	private static Map<String, Declaration> parseDeclarations(String body) {
		Map<String, Declaration> out = new LinkedHashMap<>();
		for (String part : splitTopLevel(body, ';')) {
			int colon = part.indexOf(':');
			if (colon <= 0) {
				continue;
			}
			String property = part.substring(0, colon).trim().toLowerCase(Locale.ROOT);
			String value = part.substring(colon + 1).trim();
			boolean important = false;
			Matcher m = IMPORTANT.matcher(value);
			if (m.find()) {
				important = true;
				value = value.substring(0, m.start()).trim();
			}
			if (property.isEmpty() || value.isEmpty() || !SAFE_PROPERTY.matcher(property).matches()
					|| UNSAFE_VALUE.matcher(value).find()) {
				continue;
			}
			out.remove(property);
			out.put(property, new Declaration(value, important));
		}
		return Collections.unmodifiableMap(out);
	}

	private static final Pattern IMPORTANT = Pattern.compile("!\\s*important\\s*$", Pattern.CASE_INSENSITIVE);

	private static final Pattern SAFE_PROPERTY = Pattern.compile("-?[a-z][a-z0-9-]*");

	/** Old IE script hooks and script URLs have no business in a mail's CSS. */
	private static final Pattern UNSAFE_VALUE = Pattern.compile("expression\\s*\\(|javascript:|vbscript:|behavior\\s*:|-moz-binding",
			Pattern.CASE_INSENSITIVE);

	/**
	 * CSS specificity (ids, classes/attributes/pseudo-classes, types) packed into one int; each
	 * count is capped at 255, which no real selector reaches.
	 */
	static int specificity(String selector) {
		String s = selector.replaceAll("\\[[^\\]]*\\]", ".attr").replaceAll("\"[^\"]*\"|'[^']*'", "");
		int ids = count(s, "#[\\w-]+");
		int classes = count(s, "\\.[\\w-]+") + count(s, "(?<!:):(?!not\\()[\\w-]+");
		int types = count(s.replaceAll("[#.:][\\w-]+(\\([^)]*\\))?", " "), "(?<![\\w-])[a-zA-Z][\\w-]*")
				+ count(s, "::[\\w-]+");
		return Math.min(ids, 255) << 16 | Math.min(classes, 255) << 8 | Math.min(types, 255);
	}

	private static int count(String s, String regex) {
		Matcher m = Pattern.compile(regex).matcher(s);
		int n = 0;
		while (m.find()) {
			n++;
		}
		return n;
	}

	private static String stripComments(String css) {
		return css.replaceAll("(?s)/\\*.*?\\*/", "").replace("<!--", "").replace("-->", "");
	}

	/** Top-level blocks: {@code prelude { body }} and {@code @statement;}. */
	private static List<Block> blocks(String css) {
		List<Block> out = new ArrayList<>();
		int i = 0;
		int n = css.length();
		while (i < n) {
			int start = i;
			int depth = 0;
			char quote = 0;
			int open = -1;
			for (; i < n; i++) {
				char c = css.charAt(i);
				if (quote != 0) {
					if (c == '\\') {
						i++;
					}
					else if (c == quote) {
						quote = 0;
					}
				}
				else if (c == '"' || c == '\'') {
					quote = c;
				}
				else if (c == '{') {
					if (depth++ == 0) {
						open = i;
					}
				}
				else if (c == '}') {
					if (--depth == 0) {
						i++;
						break;
					}
				}
				else if (c == ';' && depth == 0) {
					i++;
					break;
				}
			}
			String raw = css.substring(start, i);
			String text = raw.trim();
			if (text.isEmpty()) {
				continue;
			}
			if (open >= 0 && text.endsWith("}")) {
				String prelude = raw.substring(0, open - start).trim();
				String body = raw.substring(open - start + 1, raw.lastIndexOf('}'));
				out.add(new Block(prelude, body, text));
			}
			else {
				out.add(new Block(text.replaceAll(";$", ""), "", text));
			}
		}
		return out;
	}

	/** Splits at {@code separator} outside parentheses, brackets and quotes. */
	static List<String> splitTopLevel(String s, char separator) {
		List<String> parts = new ArrayList<>();
		int depth = 0;
		char quote = 0;
		int start = 0;
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			if (quote != 0) {
				if (c == '\\') {
					i++;
				}
				else if (c == quote) {
					quote = 0;
				}
			}
			else if (c == '"' || c == '\'') {
				quote = c;
			}
			else if (c == '(' || c == '[') {
				depth++;
			}
			else if (c == ')' || c == ']') {
				depth = Math.max(0, depth - 1);
			}
			else if (c == separator && depth == 0) {
				parts.add(s.substring(start, i));
				start = i + 1;
			}
		}
		parts.add(s.substring(start));
		return parts;
	}

	record Declaration(String value, boolean important) {
	}

	/** A parsed {@code <style>} block: the rules to inline and the text that stays a style sheet. */
	record StyleSheet(List<StyleRule> rules, String kept) {

		/** Whether every rule can be matched while the document is still being written. */
		boolean streamable() {
			return rules.stream().allMatch(StyleRule::streamable);
		}

	}

	/**
	 * One selector of a rule. {@code key} is its {@link #subjectKey subject key}; {@code streamable}
	 * is false for selectors that look at what follows the element.
	 */
	record StyleRule(Evaluator evaluator, Map<String, Declaration> declarations, int specificity, String key,
			boolean streamable) {
	}

	/** A rule as it takes part in the cascade: position {@code order} among all rules of the document. */
	record Rule(Map<String, Declaration> declarations, int specificity, int order) {
	}

	private record Block(String prelude, String body, String text) {
	}

}
