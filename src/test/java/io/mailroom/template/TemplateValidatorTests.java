package io.mailroom.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TemplateValidatorTests {

	private final TemplateValidator validator = Drafts.validator();

	@Test
	void builtInsAreValid() {
		BuiltInTemplates.load().all().values().forEach(t -> assertThat(validator.validate(t)).isEmpty());
	}

	@Test
	void preprocessingIsRefusedWithLineAndColumn() {
		List<TemplateProblem> problems = validator.validate(Drafts.html(
				"<html>\n<body>\n  <p th:text=\"__${T(java.lang.Runtime).getRuntime().exec('id')}__::.x\">x</p>\n</body>",
				"order"));

		assertThat(problems).singleElement().satisfies(p -> {
			assertThat(p.field()).isEqualTo("html");
			assertThat(p.line()).isEqualTo(3);
			assertThat(p.column()).isEqualTo(15);
			assertThat(p.message()).contains("preprocessing");
		});
	}

	@Test
	void beanReferencesDoNotParse() {
		List<TemplateProblem> problems = validator.validate(
				Drafts.html("<p th:text=\"${@environment.getProperty('spring.datasource.password')}\">x</p>"));

		assertThat(problems).singleElement().satisfies(p -> {
			assertThat(p.line()).isEqualTo(1);
			assertThat(p.column()).isEqualTo(15);
			assertThat(p.message()).contains("unexpected '@'");
		});
	}

	@Test
	void staticTypeReferencesDoNotParse() {
		List<TemplateProblem> problems = validator
			.validate(Drafts.html("<p>[[${T(java.lang.Runtime).getRuntime().exec('id')}]]</p>"));

		assertThat(problems).singleElement()
			.satisfies(p -> assertThat(p.message()).contains("method calls are only allowed on #helpers"));
	}

	@Test
	void variablesOutsideTheModelAreRefused() {
		List<TemplateProblem> problems = validator.validate(Drafts.html(
				"<p th:text=\"${order.number}\">x</p>\n<p th:text=\"${secrets.password}\">y</p>", "order", "customer"));

		assertThat(problems).singleElement().satisfies(p -> {
			assertThat(p.line()).isEqualTo(2);
			assertThat(p.message()).contains("'secrets' is not a variable");
		});
	}

	@Test
	void loopAndWithVariablesAreKnown() {
		List<TemplateProblem> problems = validator.validate(Drafts.html("""
				<tr th:each="item, s : ${order.items}" th:with="total=${item.quantity} * ${item.unitPrice}">
				  <td th:text="${item.name}">n</td><td th:text="${s.index} + ${itemStat.count}">i</td>
				  <td th:text="${#mail.money(total, order.currency)}">t</td>
				</tr>""", "order"));

		assertThat(problems).isEmpty();
	}

	@Test
	void unescapedOutputAndFragmentsAreRefusedInHtml() {
		List<TemplateProblem> problems = validator.validate(Drafts.html(
				"<p th:utext=\"${name}\">x</p><p>[(${name})]</p><div th:insert=\"~{other}\"></div>", "name"));

		assertThat(problems).extracting(TemplateProblem::message)
			.anySatisfy(m -> assertThat(m).contains("th:utext"))
			.anySatisfy(m -> assertThat(m).contains("[(...)]"))
			.anySatisfy(m -> assertThat(m).contains("th:insert"));
	}

	@Test
	void unescapedInlineIsFineInText() {
		assertThat(validator.validate(Drafts.template("Hi [(${name})]", "<p>x</p>", "Hello [(${name})]", "name")))
			.isEmpty();
	}

	@Test
	void unclosedExpressionIsASyntaxError() {
		List<TemplateProblem> problems = validator.validate(Drafts.html("<p>\n<b th:text=\"${order.number\">x</b>", "order"));

		assertThat(problems).singleElement().satisfies(p -> {
			assertThat(p.line()).isEqualTo(2);
			assertThat(p.column()).isEqualTo(13);
			assertThat(p.message()).contains("not closed");
		});
	}

	@Test
	void malformedThymeleafExpressionIsASyntaxError() {
		List<TemplateProblem> problems = validator.validate(Drafts.html("<p th:if=\"${order.number} >\">x</p>", "order"));

		assertThat(problems).singleElement().satisfies(p -> {
			assertThat(p.line()).isEqualTo(1);
			assertThat(p.message()).contains("Could not parse as expression");
		});
	}

	@Test
	void unbalancedTextBlockIsASyntaxError() {
		List<TemplateProblem> problems = validator.validate(
				Drafts.template("Hi", "<p>x</p>", "Items:\n[# th:each=\"i : ${items}\"]\n- [(${i})]\n[/][/]\n", "items"));

		assertThat(problems).singleElement().satisfies(p -> {
			assertThat(p.field()).isEqualTo("text");
			assertThat(p.line()).isNotNull();
		});
	}

	@Test
	void unknownHelperMethodsAreRefused() {
		List<TemplateProblem> problems = validator.validate(Drafts.html(
				"<p th:text=\"${#mail.money(order.total)}\">x</p><p th:text=\"${#ctx.locale()}\">y</p>", "order"));

		assertThat(problems).extracting(TemplateProblem::message)
			.anySatisfy(m -> assertThat(m).contains("#mail has no method money with 1 argument"))
			.anySatisfy(m -> assertThat(m).contains("#ctx is not available"));
	}

	@Test
	void sampleModelIsRenderedAndItsFailuresReported() {
		MailTemplate draft = Drafts.html("<p th:text=\"${#mail.money(order.total, order.currency)}\">x</p>", "order");
		MailTemplate withSample = new MailTemplate(draft.info(), draft.sources(),
				Map.of("order", Map.of("total", 10, "currency", "nope")));

		assertThat(validator.validate(withSample)).singleElement()
			.satisfies(p -> assertThat(p.message()).contains("fails with the sample model").contains("ISO 4217"));
	}

	@Test
	void requiredPathsMustBeWithinTheVariables() {
		MailTemplate draft = Drafts.html("<p>x</p>", "order");
		TemplateInfo info = draft.info();
		MailTemplate bad = new MailTemplate(new TemplateInfo(info.name(), 1, false, false, "normal", info.variables(),
				List.of("order.number", "customer.name", "order..x"), info.locales()), draft.sources(), Map.of());

		assertThat(validator.validate(bad)).extracting(TemplateProblem::field, TemplateProblem::message)
			.containsExactly(
					org.assertj.core.groups.Tuple.tuple("required",
							"'customer.name' does not start with one of the variables [order]"),
					org.assertj.core.groups.Tuple.tuple("required",
							"'order..x' is not a model path like order.number or order.items[].sku"));
	}

}
