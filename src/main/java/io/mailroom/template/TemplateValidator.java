package io.mailroom.template;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.thymeleaf.context.ExpressionContext;
import org.thymeleaf.context.IExpressionContext;
import org.thymeleaf.exceptions.TemplateInputException;
import org.thymeleaf.exceptions.TemplateProcessingException;
import org.thymeleaf.standard.expression.Assignation;
import org.thymeleaf.standard.expression.AssignationUtils;
import org.thymeleaf.standard.expression.Each;
import org.thymeleaf.standard.expression.EachUtils;
import org.thymeleaf.standard.expression.StandardExpressions;
import org.thymeleaf.templatemode.TemplateMode;
import org.unbescape.html.HtmlEscape;

/**
 * Checks a template before it is stored, so that an operator learns about a mistake from the
 * {@code PUT} (422 with line and column) rather than from failing messages. Refused: Thymeleaf
 * syntax errors, expressions outside the sandbox's language, variables that are not model roots
 * (or locals from {@code th:each}/{@code th:with}), unknown helpers, and the constructs that turn
 * data into template code or markup: preprocessing {@code __...__}, fragment inclusion,
 * {@code th:utext} and {@code [(...)]} in HTML. Finally every part is rendered once with the
 * template's sample model (or an empty one) to catch what only the engine notices.
 */
final class TemplateValidator {

	private static final Pattern ATTRIBUTE = Pattern
		.compile("(?<![\\w:-])(?:th:|data-th-)([a-zA-Z][\\w-]*)\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)')");

	private static final Pattern INLINE = Pattern.compile("(?s)\\[\\[(.*?)\\]\\]|\\[\\((.*?)\\)\\]");

	private static final Set<String> NOT_EXPRESSIONS = Set.of("inline", "remove", "fragment", "ref", "xmlns",
			"block");

	private static final Set<String> FRAGMENT_INCLUSION = Set.of("insert", "replace", "include", "substituteby");

	private static final Set<String> ASSIGNATIONS = Set.of("with", "attr", "attrappend", "attrprepend");

	private static final int MAX_SOURCE_CHARS = 512 * 1024;

	private final SandboxedTemplateEngine engine;

	private final Duration timeout;

	private final long maxOutputChars;

	TemplateValidator(SandboxedTemplateEngine engine, Duration timeout, long maxOutputChars) {
		this.engine = engine;
		this.timeout = timeout;
		this.maxOutputChars = maxOutputChars;
	}

	/** All problems of {@code template}; empty when it may be stored. */
	List<TemplateProblem> validate(MailTemplate template) {
		List<TemplateProblem> problems = new ArrayList<>();
		TemplateInfo info = template.info();
		Set<String> roots = new HashSet<>(info.variables());
		for (String root : info.variables()) {
			if (!root.matches("[A-Za-z_][A-Za-z0-9_]*")) {
				problems.add(new TemplateProblem("variables", null, null, "'" + root + "' is not a variable name"));
			}
		}
		for (String path : info.required()) {
			if (!RequiredFields.isValidPath(path)) {
				problems.add(new TemplateProblem("required", null, null,
						"'" + path + "' is not a model path like order.number or order.items[].sku"));
			}
			else if (!roots.contains(path.split("[.\\[]")[0])) {
				problems.add(new TemplateProblem("required", null, null,
						"'" + path + "' does not start with one of the variables " + info.variables()));
			}
		}
		String fallback = info.locales().get(0);
		for (Map.Entry<String, TemplateSource> entry : template.sources().entrySet()) {
			String prefix = entry.getKey().equals(fallback) ? "" : "translations." + entry.getKey() + ".";
			TemplateSource source = entry.getValue();
			checkSource(prefix + "subject", source.subject(), TemplateMode.TEXT, true, roots, problems);
			checkSource(prefix + "html", source.html(), TemplateMode.HTML, true, roots, problems);
			checkSource(prefix + "text", source.text(), TemplateMode.TEXT, false, roots, problems);
		}
		if (problems.isEmpty()) {
			trialRender(template, problems);
		}
		return problems;
	}

	private void checkSource(String field, String source, TemplateMode mode, boolean required, Set<String> roots,
			List<TemplateProblem> problems) {
		if (source == null || source.isBlank()) {
			if (required) {
				problems.add(new TemplateProblem(field, null, null, "is required"));
			}
			return;
		}
		if (source.length() > MAX_SOURCE_CHARS) {
			problems.add(new TemplateProblem(field, null, null, "is longer than " + MAX_SOURCE_CHARS + " characters"));
			return;
		}
		new SourceCheck(field, source, mode, roots, problems).run();
	}

	private void trialRender(MailTemplate template, List<TemplateProblem> problems) {
		boolean hasSample = !template.sample().isEmpty();
		if (hasSample) {
			try {
				RequiredFields.check(template.info().name(), template.info().required(), template.sample());
			}
			catch (TemplateRenderingException ex) {
				problems.add(new TemplateProblem("sample", null, null, ex.getMessage()));
				return;
			}
		}
		String fallback = template.info().locales().get(0);
		for (Map.Entry<String, TemplateSource> entry : template.sources().entrySet()) {
			String prefix = entry.getKey().equals(fallback) ? "" : "translations." + entry.getKey() + ".";
			Locale locale = Locale.forLanguageTag(entry.getKey());
			TemplateSource source = entry.getValue();
			trialRender(prefix + "subject", source.subject(), TemplateMode.TEXT, locale, template, problems);
			trialRender(prefix + "html", source.html(), TemplateMode.HTML, locale, template, problems);
			if (source.text() != null) {
				trialRender(prefix + "text", source.text(), TemplateMode.TEXT, locale, template, problems);
			}
		}
	}

	private void trialRender(String field, String source, TemplateMode mode, Locale locale, MailTemplate template,
			List<TemplateProblem> problems) {
		boolean hasSample = !template.sample().isEmpty();
		try {
			engine.process("validation/" + template.info().name() + "/" + field, source, mode, locale,
					template.sample(), new RenderBudget(timeout, maxOutputChars));
		}
		catch (RuntimeException ex) {
			TemplateProcessingException located = located(ex);
			// without a sample the model is empty, so only parse errors are the template's fault
			if (hasSample || located instanceof TemplateInputException) {
				problems.add(new TemplateProblem(field,
						located != null && located.hasLineAndCol() ? located.getLine() : null,
						located != null && located.hasLineAndCol() ? located.getCol() : null,
						(hasSample ? "fails with the sample model: " : "") + reason(ex)));
			}
		}
	}

	private static String reason(Throwable ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof SandboxedExpressionEvaluator.ExpressionFailure || t instanceof RenderBudget.Exceeded) {
				return t.getMessage();
			}
		}
		Throwable root = ex;
		while (root.getCause() != null) {
			root = root.getCause();
		}
		return root.getMessage();
	}

	private static TemplateProcessingException located(Throwable ex) {
		TemplateProcessingException found = null;
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof TemplateProcessingException tpe && (found == null || tpe.hasLineAndCol())) {
				found = tpe;
			}
		}
		return found;
	}

	/** The static checks of one source text. */
	private final class SourceCheck {

		private final String field;

		private final String source;

		private final TemplateMode mode;

		private final Set<String> allowed;

		private final List<TemplateProblem> problems;

		private final Map<Integer, String> reported = new LinkedHashMap<>();

		private final IExpressionContext context = new ExpressionContext(engine.configuration());

		SourceCheck(String field, String source, TemplateMode mode, Set<String> roots, List<TemplateProblem> problems) {
			this.field = field;
			this.source = source;
			this.mode = mode;
			this.allowed = new HashSet<>(roots);
			this.problems = problems;
		}

		void run() {
			// locals first, so that the order of attributes on one element does not matter
			Matcher a = ATTRIBUTE.matcher(source);
			while (a.find()) {
				collectLocals(a.group(1).toLowerCase(Locale.ROOT), value(a), valueStart(a));
			}
			a = ATTRIBUTE.matcher(source);
			while (a.find()) {
				checkAttribute(a.group(1).toLowerCase(Locale.ROOT), value(a), valueStart(a));
			}
			Matcher inline = INLINE.matcher(source);
			while (inline.find()) {
				boolean unescaped = inline.group(2) != null;
				int start = unescaped ? inline.start(2) : inline.start(1);
				String expression = unescaped ? inline.group(2) : inline.group(1);
				if (unescaped && mode == TemplateMode.HTML) {
					report(inline.start(), "[(...)] writes data unescaped into the HTML; use [[...]]");
					continue;
				}
				checkExpression("text", expression, start);
			}
		}

		private String value(Matcher a) {
			String v = a.group(2) != null ? a.group(2) : a.group(3);
			return mode == TemplateMode.HTML ? HtmlEscape.unescapeHtml(v) : v;
		}

		private int valueStart(Matcher a) {
			return a.group(2) != null ? a.start(2) : a.start(3);
		}

		private void collectLocals(String attribute, String value, int at) {
			if (value.contains("__")) {
				return;
			}
			try {
				if (attribute.equals("each")) {
					Each each = EachUtils.parseEach(context, value);
					if (each != null) {
						String iter = each.getIterVar().getStringRepresentation();
						allowed.add(iter);
						allowed.add(iter + "Stat");
						if (each.hasStatusVar()) {
							allowed.add(each.getStatusVar().getStringRepresentation());
						}
					}
				}
				else if (attribute.equals("with")) {
					var sequence = AssignationUtils.parseAssignationSequence(context, value, false);
					if (sequence != null) {
						for (Assignation assignation : sequence) {
							allowed.add(assignation.getLeft().getStringRepresentation());
						}
					}
				}
			}
			catch (RuntimeException ex) {
				// reported by checkAttribute
			}
		}

		private void checkAttribute(String attribute, String value, int at) {
			if (FRAGMENT_INCLUSION.contains(attribute)) {
				report(at, "th:" + attribute + " is not available in mail templates: a template is self-contained");
				return;
			}
			if (attribute.equals("utext") && mode == TemplateMode.HTML) {
				report(at, "th:utext writes data unescaped into the HTML; use th:text");
				return;
			}
			if (NOT_EXPRESSIONS.contains(attribute) || attribute.startsWith("xmlns")
					|| attribute.equals("case") && value.trim().equals("*")) {
				return;
			}
			checkExpression(attribute, value, at);
		}

		/** {@code value} is an attribute value or inline expression starting at {@code at}. */
		private void checkExpression(String attribute, String value, int at) {
			int preprocessing = value.indexOf("__");
			if (preprocessing >= 0) {
				report(at + preprocessing,
						"preprocessing (__...__) is not allowed: it would evaluate data as template code");
				return;
			}
			int fragment = value.indexOf("~{");
			if (fragment >= 0) {
				report(at + fragment, "fragment expressions ~{...} are not available in mail templates");
				return;
			}
			Matcher message = Pattern.compile("(?<![$*])#\\{").matcher(value);
			if (message.find()) {
				report(at + message.start(),
						"message expressions #{...} are not supported; write the text in each language's source");
				return;
			}
			if (!variableExpressions(value, at)) {
				return;
			}
			try {
				if (attribute.equals("each")) {
					EachUtils.parseEach(context, value);
				}
				else if (ASSIGNATIONS.contains(attribute)) {
					if (AssignationUtils.parseAssignationSequence(context, value, false) == null) {
						report(at, "'" + value + "' is not a list of name=expression assignments");
					}
				}
				else {
					StandardExpressions.getExpressionParser(engine.configuration()).parseExpression(context, value);
				}
			}
			catch (TemplateProcessingException ex) {
				report(at, ex.getMessage());
			}
		}

		/** Checks every {@code ${...}} and {@code *{...}} in {@code value}; false if one failed. */
		private boolean variableExpressions(String value, int at) {
			boolean ok = true;
			for (int i = 0; i < value.length() - 1; i++) {
				char c = value.charAt(i);
				if ((c != '$' && c != '*') || value.charAt(i + 1) != '{') {
					continue;
				}
				int bodyStart = i + 2;
				int end = closingBrace(value, bodyStart);
				if (end < 0) {
					report(at + i, "'" + c + "{' is not closed");
					return false;
				}
				String body = value.substring(bodyStart, end);
				try {
					ModelExpression e = ModelExpression.parse(body);
					ok &= checkModelExpression(e, c == '$', at + bodyStart);
				}
				catch (ModelExpression.SyntaxException ex) {
					report(at + bodyStart + ex.offset(), ex.getMessage());
					ok = false;
				}
				i = end;
			}
			return ok;
		}

		private boolean checkModelExpression(ModelExpression e, boolean checkRoots, int at) {
			List<String> errors = new ArrayList<>();
			if (checkRoots) {
				e.variables(v -> {
					if (!allowed.contains(v.name())) {
						errors.add("'" + v.name() + "' is not a variable of this template's model " + new TreeSet<>(allowed));
					}
				});
			}
			helperCalls(e, errors);
			errors.forEach(message -> report(at, message));
			return errors.isEmpty();
		}

		private void helperCalls(ModelExpression e, List<String> errors) {
			if (e instanceof ModelExpression.HelperCall call) {
				Class<?> type = SandboxedExpressionEvaluator.HELPERS.get(call.helper());
				if (type == null) {
					errors.add("#" + call.helper() + " is not available; helpers: "
							+ new TreeSet<>(SandboxedExpressionEvaluator.HELPERS.keySet()));
				}
				else if (!hasMethod(type, call.method(), call.arguments().size())) {
					errors.add("#" + call.helper() + " has no method " + call.method() + " with "
							+ call.arguments().size() + " argument(s)");
				}
				call.arguments().forEach(arg -> helperCalls(arg, errors));
			}
			else if (e instanceof ModelExpression.Property p) {
				helperCalls(p.target(), errors);
			}
			else if (e instanceof ModelExpression.Index i) {
				helperCalls(i.target(), errors);
				helperCalls(i.index(), errors);
			}
		}

		private boolean hasMethod(Class<?> type, String name, int arity) {
			for (Method m : type.getMethods()) {
				if (m.getDeclaringClass() == type && m.getName().equals(name) && m.getParameterCount() == arity) {
					return true;
				}
			}
			return false;
		}

		private int closingBrace(String s, int from) {
			int depth = 1;
			char quote = 0;
			for (int i = from; i < s.length(); i++) {
				char c = s.charAt(i);
				if (quote != 0) {
					if (c == '\\') {
						i++;
					}
					else if (c == quote) {
						quote = 0;
					}
				}
				else if (c == '\'' || c == '"') {
					quote = c;
				}
				else if (c == '{') {
					depth++;
				}
				else if (c == '}' && --depth == 0) {
					return i;
				}
			}
			return -1;
		}

		private void report(int offset, String message) {
			if (message.equals(reported.get(offset))) {
				return;
			}
			reported.put(offset, message);
			int line = 1;
			int column = 1;
			for (int i = 0; i < offset && i < source.length(); i++) {
				if (source.charAt(i) == '\n') {
					line++;
					column = 1;
				}
				else {
					column++;
				}
			}
			problems.add(new TemplateProblem(field, line, column, message));
		}

	}

}
