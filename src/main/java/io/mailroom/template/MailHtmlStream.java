package io.mailroom.template;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jsoup.nodes.Element;
import org.jsoup.parser.Tag;
import org.jsoup.select.Collector;
import org.jsoup.select.Evaluator;
import org.thymeleaf.engine.AbstractTemplateHandler;
import org.thymeleaf.model.IAttribute;
import org.thymeleaf.model.ICDATASection;
import org.thymeleaf.model.ICloseElementTag;
import org.thymeleaf.model.IComment;
import org.thymeleaf.model.IDocType;
import org.thymeleaf.model.IModelFactory;
import org.thymeleaf.model.IOpenElementTag;
import org.thymeleaf.model.IProcessableElementTag;
import org.thymeleaf.model.IProcessingInstruction;
import org.thymeleaf.model.IStandaloneElementTag;
import org.thymeleaf.model.IText;
import org.thymeleaf.model.IXMLDeclaration;
import org.unbescape.html.HtmlEscape;

/**
 * {@link MailHtml#finish} done while Thymeleaf writes the HTML instead of on a parsed copy of the
 * result: the same sanitising and the same CSS cascade, applied to each tag as it is written.
 * Parsing, selecting in and serialising the rendered document cost twice the rendering itself;
 * here a skeleton of the elements written so far (no text) is all that selectors are matched
 * against.
 *
 * <p>That works when every rule is known before the first element it could apply to and no
 * selector depends on what follows an element ({@code :last-child}, {@code :empty}, {@code :has},
 * ...). {@link #suits} checks a template's source for that; templates that do not qualify take the
 * parse-and-rewrite path.
 */
final class MailHtmlStream {

	/** The evaluators the current streamed rendering used, set while {@link #during} runs. */
	private static final ThreadLocal<List<Evaluator>> ACTIVE = new ThreadLocal<>();

	private static final Pattern STYLE = Pattern.compile("(?is)<style(\\s[^>]*)?>(.*?)</style\\s*>");

	/**
	 * Constructs where Thymeleaf's parser and a browser split the source differently (raw-text
	 * elements, processing instructions, comments a browser ends at once, a DOCTYPE with an
	 * internal subset): such templates take the parse-and-rewrite path, whose output is parsed
	 * the way a browser parses it.
	 */
	private static final Pattern UNSUITED = Pattern.compile(
			"(?i)<(xmp|textarea|noembed|noframes|plaintext|svg|math)\\b|<\\?|<!--(>|->)|<!doctype[^>]*\\[");

	/** A body tag Thymeleaf may remove or rewrite: the cascade would not know where the body is. */
	private static final Pattern BODY_WITH_PROCESSOR = Pattern.compile("(?i)<body\\b[^>]*\\b(th|data-th)[:-]");

	private static final Set<String> VOID = Set.of("area", "base", "br", "col", "embed", "hr", "img", "input", "link",
			"meta", "param", "source", "track", "wbr");

	/** jsoup tags by name: {@code new Element(name)} looks its tag up in a fresh tag set each time. */
	private static final Cache<String, Tag> TAGS = Caffeine.newBuilder().maximumSize(500).build();

	/**
	 * Style attributes by the rule declarations (in cascade order) and the own style they were
	 * cascaded from. A rule's declarations are one object for as long as its parsed style sheet is
	 * cached, so renderings of the same template share entries; the own style may come from data,
	 * hence the bound by length (a style from data can be long).
	 */
	private static final Cache<Cascade, String> CASCADED = Caffeine.newBuilder()
		.maximumWeight(4_000_000)
		.weigher((Cascade key, String style) -> key.ownStyle.length() + style.length() + 8 * key.declarations.length + 64)
		.build();

	/** {@code \s} of a regular expression (without UNICODE_CHARACTER_CLASS). */
	static boolean regexSpace(char c) {
		return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
	}

	/** Characters held by {@link #CASCADED} (by its weigher), for tests. */
	static long rememberedStyleChars() {
		CASCADED.cleanUp();
		return CASCADED.policy().eviction().map(e -> e.weightedSize().orElse(-1)).orElse(-1L);
	}

	/** The cascade's input: the declarations of the matching rules, by identity, and the own style. */
	private static final class Cascade {

		private final Object[] declarations;

		private final String ownStyle;

		private final int hash;

		Cascade(List<CssInliner.Rule> sorted, String ownStyle) {
			this.declarations = new Object[sorted.size()];
			int h = ownStyle.hashCode();
			for (int i = 0; i < declarations.length; i++) {
				declarations[i] = sorted.get(i).declarations();
				h = 31 * h + System.identityHashCode(declarations[i]);
			}
			this.ownStyle = ownStyle;
			this.hash = h;
		}

		@Override
		public boolean equals(Object o) {
			if (!(o instanceof Cascade c) || c.hash != hash || c.declarations.length != declarations.length
					|| !c.ownStyle.equals(ownStyle)) {
				return false;
			}
			for (int i = 0; i < declarations.length; i++) {
				if (c.declarations[i] != declarations[i]) {
					return false;
				}
			}
			return true;
		}

		@Override
		public int hashCode() {
			return hash;
		}

	}

	/** Elements whose content a browser reads as plain text, not markup: it is not escaped. */
	private static final Set<String> RAW_TEXT = Set.of("style", "script", "xmp", "iframe", "noembed", "noframes",
			"noscript", "plaintext");

	/** Elements whose content a browser reads as text (entities decoded), never as markup. */
	private static final Set<String> TEXT_ONLY = Set.of("title", "textarea");

	private MailHtmlStream() {
	}

	/**
	 * Whether the HTML template {@code source} can be finished while it is written: it has a head
	 * and a body, all its {@code <style>} blocks are static text inside the head, and none of
	 * their selectors looks ahead.
	 */
	static boolean suits(String source) {
		String lower = source.toLowerCase(Locale.ROOT);
		int headClose = lower.indexOf("</head");
		int body = lower.indexOf("<body");
		if (lower.indexOf("<head") < 0 || headClose < 0 || body < headClose) {
			return false;
		}
		if (UNSUITED.matcher(source).find() || BODY_WITH_PROCESSOR.matcher(source).find()) {
			return false;
		}
		Matcher style = STYLE.matcher(source);
		int styles = 0;
		while (style.find()) {
			styles++;
			String attributes = style.group(1) == null ? "" : style.group(1).toLowerCase(Locale.ROOT);
			String css = style.group(2);
			if (style.end() > headClose || attributes.contains("th:") || attributes.contains("data-th-")
					|| css.contains("[[") || css.contains("[(") || css.contains("</") || !CssInliner.sheet(css).streamable()) {
				return false;
			}
		}
		// an unclosed <style> or one the pattern did not see
		return styles == count(lower, "<style");
	}

	private static int count(String s, String part) {
		int n = 0;
		for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
			n++;
		}
		return n;
	}

	/** Runs a Thymeleaf HTML rendering with this treatment in force on this thread. */
	static <T> T during(Supplier<T> rendering) {
		List<Evaluator> used = new ArrayList<>();
		ACTIVE.set(used);
		try {
			return rendering.get();
		}
		finally {
			ACTIVE.remove();
			// also after a failed rendering, which never reaches the template's end
			used.forEach(Handler::forget);
		}
	}

	/**
	 * The post-processor's handler (Thymeleaf makes one per rendering). It passes events through
	 * unchanged unless the rendering runs inside {@link #during}.
	 */
	public static final class Handler extends AbstractTemplateHandler {

		private final List<Evaluator> used = ACTIVE.get();

		private final boolean active = used != null;

		/** Nesting depth inside elements whose text is not markup (style, script), when passive. */
		private int rawText;

		/** Nesting depth inside title (text only; what looks like markup in it is dropped). */
		private int textOnly;

		/** Nesting depth inside a dropped element (script, iframe, ...); 0 outside. */
		private int dropped;

		private StringBuilder styleText;

		private String styleMedia;

		private final StringBuilder kept = new StringBuilder();

		private final List<CssInliner.Rule> rules = new ArrayList<>();

		private final List<CssInliner.StyleRule> styleRules = new ArrayList<>();

		private final Map<String, List<Candidate>> byKey = new HashMap<>();

		private final Deque<Element> open = new ArrayDeque<>();

		private Element body;

		/**
		 * How many elements were open with the body on top (the body's depth); 0 before it opened,
		 * -1 once it closed. An element written while the stack is at least that deep is inside it.
		 */
		private int bodyDepth;

		/** tbody elements this handler wrote around rows that were direct children of a table. */
		private final Set<Element> implied = Collections.newSetFromMap(new IdentityHashMap<>());

		private boolean keptWritten;

		public Handler() {
		}

		@Override
		public void handleOpenElement(IOpenElementTag tag) {
			if (!active) {
				if (RAW_TEXT.contains(tag.getElementCompleteName().toLowerCase(Locale.ROOT))) {
					rawText++;
				}
				super.handleOpenElement(tag);
				return;
			}
			if (dropped > 0) {
				dropped++;
				return;
			}
			String name = tag.getElementCompleteName().toLowerCase(Locale.ROOT);
			if (!MailHtml.validName(name) || MailHtml.removedElement(name, httpEquiv(name, tag))) {
				dropped = VOID.contains(name) ? 0 : 1;
				return;
			}
			if (textOnly > 0) {
				// markup inside title: a browser reads it as text up to the title's end tag
				dropped = 1;
				return;
			}
			if (TEXT_ONLY.contains(name)) {
				textOnly++;
			}
			if (name.equals("style")) {
				styleText = new StringBuilder();
				styleMedia = tag.getAttributeValue("media");
				return;
			}
			Element parent = open.peek();
			if (name.equals("tr") && parent != null && parent.normalName().equals("table")) {
				// a parser puts rows into a tbody of its own; written out, selectors and the
				// cascade see the same document here as in the parsed path
				IOpenElementTag tbody = finish(getContext().getModelFactory().createOpenElementTag("tbody"), "tbody",
						true);
				implied.add(open.peek());
				super.handleOpenElement(tbody);
			}
			super.handleOpenElement(finish(tag, name, !VOID.contains(name)));
		}

		@Override
		public void handleStandaloneElement(IStandaloneElementTag tag) {
			if (!active) {
				super.handleStandaloneElement(tag);
				return;
			}
			if (dropped > 0) {
				return;
			}
			String name = tag.getElementCompleteName().toLowerCase(Locale.ROOT);
			// a self-closed title would open one in a browser and swallow what follows as text
			if (!MailHtml.validName(name) || MailHtml.removedElement(name, httpEquiv(name, tag)) || name.equals("style")
					|| textOnly > 0 || TEXT_ONLY.contains(name) || RAW_TEXT.contains(name)) {
				return;
			}
			super.handleStandaloneElement(finish(tag, name, false));
		}

		@Override
		public void handleCloseElement(ICloseElementTag tag) {
			if (!active) {
				if (rawText > 0 && RAW_TEXT.contains(tag.getElementCompleteName().toLowerCase(Locale.ROOT))) {
					rawText--;
				}
				super.handleCloseElement(tag);
				return;
			}
			if (dropped > 0) {
				dropped--;
				return;
			}
			String name = tag.getElementCompleteName().toLowerCase(Locale.ROOT);
			if (styleText != null && name.equals("style")) {
				addSheet(styleMedia, styleText.toString());
				styleText = null;
				return;
			}
			if (textOnly > 0 && !TEXT_ONLY.contains(name)) {
				return;
			}
			if (TEXT_ONLY.contains(name)) {
				textOnly--;
			}
			if (name.equals("head") && !keptWritten) {
				writeKept();
			}
			for (Element e : open) {
				if (e.normalName().equals(name)) {
					for (Element popped = open.pop(); popped != e; popped = open.pop()) {
						if (implied.remove(popped)) {
							super.handleCloseElement(getContext().getModelFactory().createCloseElementTag("tbody"));
						}
					}
					if (bodyDepth > 0 && open.size() < bodyDepth) {
						bodyDepth = -1;
					}
					break;
				}
			}
			super.handleCloseElement(tag);
		}

		/**
		 * Text is written with {@code <} and {@code >} escaped (outside style and script, whose
		 * text is not markup). The template's own text has none that start markup (the parser made
		 * tags of those), so this changes nothing a reader sees, but text inlined unescaped
		 * ({@code [(...)]}, {@code th:inline="text"}) can no longer carry a caller's markup.
		 */
		@Override
		public void handleText(IText text) {
			if (active && styleText != null) {
				styleText.append(text.getText());
				return;
			}
			if (active && dropped > 0) {
				return;
			}
			if (rawText == 0) {
				String raw = text.getText();
				if (raw.indexOf('<') >= 0 || raw.indexOf('>') >= 0) {
					text = getContext().getModelFactory().createText(escapeMarkup(raw));
				}
			}
			super.handleText(text);
		}

		/**
		 * {@code <} and {@code >} as entities, except Outlook's downlevel-revealed conditional
		 * markers ({@code <![if !mso]>}, {@code <![endif]>}), which browsers read as comments.
		 */
		static String escapeMarkup(String raw) {
			StringBuilder out = new StringBuilder(raw.length() + 16);
			Matcher marker = DOWNLEVEL.matcher(raw);
			for (int i = 0; i < raw.length(); i++) {
				char c = raw.charAt(i);
				if (c == '<' && marker.region(i, raw.length()).lookingAt()) {
					out.append(raw, i, marker.end());
					i = marker.end() - 1;
				}
				else if (c == '<') {
					out.append("&lt;");
				}
				else if (c == '>') {
					out.append("&gt;");
				}
				else {
					out.append(c);
				}
			}
			return out.toString();
		}

		private static final Pattern DOWNLEVEL = Pattern.compile("<!\\[(if [^\\]<>]{1,100}|endif)\\]>",
				Pattern.CASE_INSENSITIVE);

		/** The http-equiv of a meta element (the only one where it matters), else null. */
		private static String httpEquiv(String name, IProcessableElementTag tag) {
			if (!name.equals("meta")) {
				return null;
			}
			String value = tag.getAttributeValue("http-equiv");
			return value == null || value.indexOf('&') < 0 ? value : HtmlEscape.unescapeHtml(value);
		}

		/** Comments pass, unless inlined data closed one early to write markup after it. */
		@Override
		public void handleComment(IComment comment) {
			if (!active) {
				super.handleComment(comment);
			}
			else if (dropped == 0 && styleText == null && textOnly == 0 && !closesEarly(comment.getContent())) {
				super.handleComment(comment);
			}
		}

		@Override
		public void handleCDATASection(ICDATASection cdata) {
			if (!active) {
				super.handleCDATASection(cdata);
			}
			else if (dropped == 0 && styleText == null && textOnly == 0 && cdata.getContent().indexOf('>') < 0) {
				super.handleCDATASection(cdata);
			}
		}

		/** Whether a browser would end this comment before its end ({@code <!-->} ends at once). */
		private static boolean closesEarly(String comment) {
			return comment.startsWith(">") || comment.startsWith("->") || comment.contains("-->")
					|| comment.contains("--!>");
		}

		/** Processing instructions mean nothing in HTML; a browser ends one at its first {@code >}. */
		@Override
		public void handleProcessingInstruction(IProcessingInstruction instruction) {
			if (!active) {
				super.handleProcessingInstruction(instruction);
			}
		}

		@Override
		public void handleXMLDeclaration(IXMLDeclaration declaration) {
			if (!active) {
				super.handleXMLDeclaration(declaration);
			}
		}

		/** A mail is HTML5: whatever the template declared (an internal subset could hide markup). */
		@Override
		public void handleDocType(IDocType docType) {
			super.handleDocType(active ? getContext().getModelFactory().createHTML5DocType() : docType);
		}

		private void addSheet(String media, String css) {
			if (!CssInliner.screenMedia(media)) {
				kept.append(CssInliner.keptMedia(media, css));
				return;
			}
			CssInliner.StyleSheet sheet = CssInliner.sheet(css);
			kept.append(sheet.kept());
			for (CssInliner.StyleRule rule : sheet.rules()) {
				styleRules.add(rule);
				rules.add(new CssInliner.Rule(rule.declarations(), rule.specificity(), rules.size()));
			}
		}

		private void writeKept() {
			keptWritten = true;
			if (kept.isEmpty()) {
				return;
			}
			IModelFactory factory = getContext().getModelFactory();
			super.handleOpenElement(factory.createOpenElementTag("style", "type", "text/css"));
			super.handleText(factory.createText("\n" + CssInliner.styleElementText(kept.toString())));
			super.handleCloseElement(factory.createCloseElementTag("style"));
		}

		/**
		 * Sanitises the tag's attributes, adds it to the skeleton ({@code container}: it will have
		 * content and a close tag) and gives it the style attribute of the cascade.
		 */
		private <T extends IProcessableElementTag> T finish(T tag, String name, boolean container) {
			IModelFactory factory = getContext().getModelFactory();
			Element element = new Element(TAGS.get(name, Tag::valueOf), "");
			String ownStyle = null;
			for (IAttribute attribute : tag.getAllAttributes()) {
				String key = attribute.getAttributeCompleteName();
				String raw = attribute.getValue();
				String value = raw == null ? "" : raw.indexOf('&') >= 0 ? HtmlEscape.unescapeHtml(raw) : raw;
				String kept = MailHtml.attribute(name, key, value);
				if (kept == null) {
					tag = factory.removeAttribute(tag, key);
					continue;
				}
				if (key.equalsIgnoreCase("style")) {
					ownStyle = kept;
					if (!kept.equals(value)) {
						tag = factory.setAttribute(tag, key, HtmlEscape.escapeHtml4Xml(kept));
					}
				}
				element.attr(key, value);
			}
			Element parent = open.peek();
			if (parent != null) {
				parent.appendChild(element);
			}
			if (name.equals("body") && body == null) {
				body = element;
				for (int i = 0; i < styleRules.size(); i++) {
					CssInliner.StyleRule rule = styleRules.get(i);
					forget(rule.evaluator());
					used.add(rule.evaluator());
					byKey.computeIfAbsent(rule.key(), k -> new ArrayList<>())
						.add(new Candidate(rule.evaluator().asPredicate(body), rules.get(i)));
				}
			}
			if (container) {
				open.push(element);
				if (element == body) {
					bodyDepth = open.size();
				}
			}
			if (!byKey.isEmpty() && inBody(element)) {
				List<CssInliner.Rule> matching = matching(element, name);
				if (!matching.isEmpty()) {
					tag = factory.setAttribute(tag, "style", cascaded(matching, ownStyle == null ? "" : ownStyle));
				}
			}
			return tag;
		}

		/**
		 * The style attribute (escaped) for an element the {@code matching} rules apply to. The
		 * same rules meet the same own style in every rendering of a template (its rows and cells
		 * more than once in each), so each combination is cascaded once, see {@link #CASCADED}.
		 */
		private static String cascaded(List<CssInliner.Rule> matching, String ownStyle) {
			matching.sort(CssInliner.CASCADE);
			return CASCADED.get(new Cascade(matching, ownStyle),
					k -> HtmlEscape.escapeHtml4Xml(CssInliner.cascade(matching, ownStyle)));
		}

		/**
		 * Clears what jsoup's structural evaluators remember per thread about the elements they
		 * matched (their memo would otherwise keep every skeleton). {@code asPredicate} does not
		 * do it; streaming over an element does, before it starts.
		 */
		static void forget(Evaluator evaluator) {
			Collector.stream(evaluator, EMPTY);
		}

		private static final Element EMPTY = new Element("body");

		/** Whether {@code e}, just added to the skeleton (and opened, if it has content), is in the body. */
		private boolean inBody(Element e) {
			return e == body || (bodyDepth > 0 && open.size() >= bodyDepth);
		}

		private List<CssInliner.Rule> matching(Element element, String name) {
			List<CssInliner.Rule> matching = new ArrayList<>();
			collect(byKey.get(""), element, matching);
			collect(byKey.get(name), element, matching);
			String id = element.id();
			if (!id.isEmpty()) {
				collect(byKey.get("#" + id.toLowerCase(Locale.ROOT)), element, matching);
			}
			String classes = element.className();
			if (!classes.isEmpty()) {
				// as classes.trim().split("\\s+"), which compiled the pattern on every call
				String trimmed = classes.trim();
				int n = trimmed.length();
				int i = 0;
				while (i < n) {
					while (i < n && regexSpace(trimmed.charAt(i))) {
						i++;
					}
					int start = i;
					while (i < n && !regexSpace(trimmed.charAt(i))) {
						i++;
					}
					if (i > start) {
						collect(byKey.get("." + trimmed.substring(start, i).toLowerCase(Locale.ROOT)), element, matching);
					}
				}
			}
			return matching;
		}

		private static void collect(List<Candidate> candidates, Element element, List<CssInliner.Rule> matching) {
			if (candidates == null) {
				return;
			}
			for (Candidate c : candidates) {
				// a class named twice files the same candidate twice; rules are distinct objects
				if (!containsSame(matching, c.rule()) && c.predicate().test(element)) {
					matching.add(c.rule());
				}
			}
		}

		private static boolean containsSame(List<CssInliner.Rule> rules, CssInliner.Rule rule) {
			for (CssInliner.Rule r : rules) {
				if (r == rule) {
					return true;
				}
			}
			return false;
		}

		private record Candidate(Predicate<Element> predicate, CssInliner.Rule rule) {
		}

	}

}
