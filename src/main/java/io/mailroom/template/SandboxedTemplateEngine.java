package io.mailroom.template;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.thymeleaf.IEngineConfiguration;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.TemplateSpec;
import org.thymeleaf.cache.AlwaysValidCacheEntryValidity;
import org.thymeleaf.context.Context;
import org.thymeleaf.context.ITemplateContext;
import org.thymeleaf.dialect.IPostProcessorDialect;
import org.thymeleaf.engine.AttributeName;
import org.thymeleaf.model.IProcessableElementTag;
import org.thymeleaf.postprocessor.IPostProcessor;
import org.thymeleaf.postprocessor.PostProcessor;
import org.thymeleaf.processor.IProcessor;
import org.thymeleaf.processor.element.IElementTagStructureHandler;
import org.thymeleaf.standard.StandardDialect;
import org.thymeleaf.standard.processor.AbstractStandardExpressionAttributeTagProcessor;
import org.thymeleaf.standard.processor.AbstractStandardFragmentInsertionTagProcessor;
import org.thymeleaf.standard.processor.StandardUtextTagProcessor;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ITemplateResolver;
import org.thymeleaf.templateresolver.TemplateResolution;
import org.thymeleaf.templateresource.StringTemplateResource;
import org.unbescape.html.HtmlEscape;

/**
 * A Thymeleaf engine for untrusted mail templates, separate from any Spring MVC view engine:
 * the standard dialect with the {@link SandboxedExpressionEvaluator} instead of OGNL/SpEL, no
 * fragment inclusion ({@code th:insert/replace/include}, which could pull in other templates or
 * recurse into itself), and {@code th:utext} escaping like {@code th:text}, because its argument is
 * caller data that must never become markup. Templates come only from the source handed to
 * {@link #process}; there is no file, classpath or URL resolver.
 */
final class SandboxedTemplateEngine {

	private static final String SOURCE = "source";

	private final TemplateEngine engine = new TemplateEngine();

	SandboxedTemplateEngine() {
		engine.setDialect(new SandboxDialect());
		engine.setTemplateResolver(new SourceResolver());
		// initialise now: the first rendering must not spend its time budget on engine set-up
		engine.getConfiguration();
	}

	IEngineConfiguration configuration() {
		return engine.getConfiguration();
	}

	/**
	 * Renders {@code source} with {@code model}. {@code cacheName} identifies the source for the
	 * parse cache and error messages; it must change whenever the source does (name, version,
	 * locale, part).
	 */
	String process(String cacheName, String source, TemplateMode mode, Locale locale, Map<String, Object> model,
			RenderBudget budget) {
		Context context = new Context(locale);
		context.setVariables(model);
		TemplateSpec spec = new TemplateSpec(cacheName, null, mode, Map.of(SOURCE, source));
		// inlined styles make an HTML mail several times its template's size
		int expected = Math.min(source.length(), 1 << 16) * (mode == TemplateMode.HTML ? 4 : 2);
		RenderBudget.Output out = budget.output(expected);
		budget.enforce(() -> {
			engine.process(spec, context, out);
			return null;
		});
		return out.toString();
	}

	private static final class SandboxDialect extends StandardDialect implements IPostProcessorDialect {

		SandboxDialect() {
			setVariableExpressionEvaluator(new SandboxedExpressionEvaluator());
		}

		@Override
		public int getDialectPostProcessorPrecedence() {
			return 1000;
		}

		@Override
		public Set<IPostProcessor> getPostProcessors() {
			return Set.of(new PostProcessor(TemplateMode.HTML, MailHtmlStream.Handler.class, 1000));
		}

		@Override
		public Set<IProcessor> getProcessors(String dialectPrefix) {
			return super.getProcessors(dialectPrefix).stream()
				.filter(p -> !(p instanceof AbstractStandardFragmentInsertionTagProcessor))
				.map(p -> p instanceof StandardUtextTagProcessor && p.getTemplateMode() == TemplateMode.HTML
						? new EscapingUtextTagProcessor(dialectPrefix) : p)
				.collect(Collectors.toSet());
		}

	}

	/** {@code th:utext} in HTML templates: same output as {@code th:text}. */
	private static final class EscapingUtextTagProcessor extends AbstractStandardExpressionAttributeTagProcessor {

		EscapingUtextTagProcessor(String dialectPrefix) {
			super(TemplateMode.HTML, dialectPrefix, StandardUtextTagProcessor.ATTR_NAME,
					StandardUtextTagProcessor.PRECEDENCE, true, false);
		}

		@Override
		protected void doProcess(ITemplateContext context, IProcessableElementTag tag, AttributeName attributeName,
				String attributeValue, Object expressionResult, IElementTagStructureHandler structureHandler) {
			String text = expressionResult == null ? "" : expressionResult.toString();
			structureHandler.setBody(HtmlEscape.escapeHtml4Xml(text), false);
		}

	}

	/** Resolves only the top-level template whose source travels in the resolution attributes. */
	private static final class SourceResolver implements ITemplateResolver {

		@Override
		public String getName() {
			return "mail-source";
		}

		@Override
		public Integer getOrder() {
			return 1;
		}

		@Override
		public TemplateResolution resolveTemplate(IEngineConfiguration configuration, String ownerTemplate,
				String template, Map<String, Object> attributes) {
			if (ownerTemplate != null || attributes == null || !(attributes.get(SOURCE) instanceof String source)) {
				return null;
			}
			return new TemplateResolution(new StringTemplateResource(source), TemplateMode.HTML,
					AlwaysValidCacheEntryValidity.INSTANCE);
		}

	}

}
