package io.mailroom.template;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.thymeleaf.exceptions.TemplateProcessingException;
import org.thymeleaf.templatemode.TemplateMode;

/**
 * Turns a {@link MailTemplate} and a model into the parts of a mail: checks the required fields,
 * renders subject, HTML and text inside the sandbox and its {@link RenderBudget}, inlines the CSS
 * and derives the text part when the template has none.
 */
final class MailRenderer {

	private final SandboxedTemplateEngine engine;

	private final Duration timeout;

	private final long maxOutputChars;

	/**
	 * Whether each HTML source can be finished while written ({@link MailHtmlStream#suits}), by
	 * the source text (the same String instance each time, so its hash is cached).
	 */
	private final Cache<String, Boolean> streams = Caffeine.newBuilder().maximumSize(2000).build();

	MailRenderer(SandboxedTemplateEngine engine, Duration timeout, long maxOutputChars) {
		this.engine = engine;
		this.timeout = timeout;
		this.maxOutputChars = maxOutputChars;
	}

	RenderedTemplate render(MailTemplate template, Locale locale, Map<String, Object> data) {
		TemplateInfo info = template.info();
		Map<String, Object> model = data == null ? Map.of() : data;
		RequiredFields.check(info.name(), info.required(), model);
		String language = template.languageFor(locale);
		TemplateSource source = template.sources().get(language);
		Locale renderLocale = locale != null && locale.getLanguage().equals(Locale.forLanguageTag(language).getLanguage())
				? locale : Locale.forLanguageTag(language);
		String cacheName = info.name() + "@" + info.version() + "/" + language + "/";
		RenderBudget budget = new RenderBudget(timeout, maxOutputChars);

		String subject = oneLine(run(cacheName + "subject", source.subject(), TemplateMode.TEXT, renderLocale, model,
				budget));
		String html;
		if (streams.get(source.html(), MailHtmlStream::suits)) {
			html = MailHtmlStream.during(
					() -> run(cacheName + "html", source.html(), TemplateMode.HTML, renderLocale, model, budget));
		}
		else {
			html = MailHtml.finish(run(cacheName + "html", source.html(), TemplateMode.HTML, renderLocale, model, budget));
		}
		String text = source.text() != null
				? run(cacheName + "text", source.text(), TemplateMode.TEXT, renderLocale, model, budget)
				: HtmlToText.convert(html);
		return new RenderedTemplate(info.name(), info.version(), subject, noNul(html), noNul(PlainText.tidy(text)),
				info.marketing());
	}

	/**
	 * NUL from data (JSON allows {@code \u0000}) means nothing in a mail, and PostgreSQL's text
	 * cannot hold it: it becomes U+FFFD, as a mail reader shows an invalid character.
	 */
	static String noNul(String s) {
		return s == null || s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
	}

	private String run(String cacheName, String source, TemplateMode mode, Locale locale, Map<String, Object> model,
			RenderBudget budget) {
		try {
			return engine.process(cacheName, source, mode, locale, model, budget);
		}
		catch (RuntimeException ex) {
			throw failure(cacheName, ex, model);
		}
		catch (StackOverflowError ex) {
			throw new TemplateRenderingException("Template " + cacheName + " nests too deeply", null, null);
		}
	}

	private static TemplateRenderingException failure(String cacheName, RuntimeException ex, Map<String, Object> model) {
		String where = "";
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof TemplateProcessingException tpe && tpe.hasLineAndCol() && where.isEmpty()) {
				where = " (line " + tpe.getLine() + ", column " + tpe.getCol() + ")";
			}
			if (t instanceof RenderBudget.Exceeded exceeded) {
				return new TemplateRenderingException("Template " + cacheName + ": " + exceeded.getMessage(), null, ex);
			}
			if (t instanceof SandboxedExpressionEvaluator.ExpressionFailure failure) {
				String path = failure.expression() == null ? null : failure.expression().path();
				String field = path != null && model.containsKey(root(path)) ? "data." + path : null;
				return new TemplateRenderingException("Template " + cacheName + where + ": " + failure.getMessage(),
						field, ex);
			}
			if (t instanceof ModelExpression.SyntaxException syntax) {
				return new TemplateRenderingException("Template " + cacheName + where + ": " + syntax.getMessage(),
						null, ex);
			}
		}
		return new TemplateRenderingException("Template " + cacheName + where + " failed: " + ex.getMessage(), null, ex);
	}

	private static String root(String path) {
		int end = 0;
		while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
			end++;
		}
		return path.substring(0, end);
	}

	/**
	 * A subject is one header line: each run of whitespace ({@code [ \t\n\x0B\f\r]}) and NUL from
	 * the template collapses to one space, and the ends are stripped. Written by hand (as a regular
	 * expression it ran for every message); a property test holds it to the expression.
	 */
	static String oneLine(String s) {
		StringBuilder out = new StringBuilder(s.length());
		boolean inRun = false;
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			if (MailHtmlStream.regexSpace(c) || c == 0) {
				if (!inRun) {
					out.append(' ');
				}
				inRun = true;
			}
			else {
				out.append(c);
				inRun = false;
			}
		}
		return out.toString().strip();
	}

}
