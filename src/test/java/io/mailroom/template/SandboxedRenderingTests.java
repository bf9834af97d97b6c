package io.mailroom.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Templates that were never validated (as if an attacker had written them into the database)
 * still cannot leave the sandbox: known SpEL/OGNL/Thymeleaf injection payloads fail or render as
 * text, and none of them runs a command.
 */
class SandboxedRenderingTests {

	@TempDir
	static Path dir;

	private final MailRenderer renderer = Drafts.renderer();

	private static String touch(String name) {
		return "T(java.lang.Runtime).getRuntime().exec('touch " + dir.resolve(name) + "')";
	}

	@ParameterizedTest
	@ValueSource(strings = { "<p th:text=\"${%s}\">x</p>", "<p th:text=\"__${%s}__::.x\">x</p>",
			"<p th:text=\"*{%s}\">x</p>", "<p>[[${%s}]]</p>", "<p>[(${%s})]</p>",
			"<a th:href=\"@{/x(a=${%s})}\">x</a>", "<p th:with=\"x=${%s}\" th:text=\"${x}\">x</p>" })
	void staticMethodCallsDoNotRun(String template) {
		String html = template.formatted(touch("pwned"));

		assertThatThrownBy(() -> renderer.render(Drafts.html(html, "x"), Locale.ENGLISH, Map.of()))
			.isInstanceOf(TemplateRenderingException.class);
		assertThat(dir.resolve("pwned")).doesNotExist();
	}

	@ParameterizedTest
	@ValueSource(strings = { "${@environment.getProperty('spring.datasource.password')}",
			"${@templateCatalog}", "${new java.io.File('/etc/passwd')}",
			"${#ctx.getVariable('x')}", "${#execInfo.templateName}", "${#request}",
			"${order.getClass().forName('java.lang.Runtime')}", "${''.class.forName('java.lang.Runtime')}",
			"${#strings.getClass()}", "${@java.lang.Runtime@getRuntime()}", "${#conversions.convert(1, 'x')}",
			"${#strings.repeat('x', 2000000000)}", "${#numbers.sequence(1, 2000000000)}" })
	void beansTypesConstructorsAndContextObjectsAreUnreachable(String expression) {
		String html = "<p th:text=\"" + expression.replace("\"", "&quot;") + "\">x</p>";

		assertThatThrownBy(() -> renderer.render(Drafts.html(html, "order"), Locale.ENGLISH,
				Map.of("order", Map.of("number", "A-1"))))
			.isInstanceOf(TemplateRenderingException.class);
	}

	@Test
	void preprocessingUserDataDoesNotEvaluateIt() {
		// the classic hole: a template that preprocesses caller data turns that data into code
		Map<String, Object> data = Map.of("name", "${" + touch("preprocessed") + "}");

		assertThatThrownBy(
				() -> renderer.render(Drafts.html("<p th:text=\"__${name}__\">x</p>", "name"), Locale.ENGLISH, data))
			.isInstanceOf(TemplateRenderingException.class);
		assertThat(dir.resolve("preprocessed")).doesNotExist();
	}

	@Test
	void expressionsInsideDataAreOutputAsText() {
		String payload = "[[${" + touch("inlined") + "}]] __${x}__ <b>bold</b>";

		RenderedTemplate mail = renderer.render(
				Drafts.template("[[${name}]]", "<p class=\"n\" th:text=\"${name}\">x</p><p class=\"m\">[[${name}]]</p>",
						"[(${name})]", "name"),
				Locale.ENGLISH, Map.of("name", payload));

		Document html = Jsoup.parse(mail.html());
		assertThat(html.selectFirst(".n").text()).isEqualTo(payload);
		assertThat(html.selectFirst(".m").text()).isEqualTo(payload);
		assertThat(html.select("b")).isEmpty();
		assertThat(mail.text().strip()).isEqualTo(payload);
		assertThat(dir.resolve("inlined")).doesNotExist();
	}

	@Test
	void utextOfUserDataIsEscaped() {
		String payload = "<script>alert(1)</script><img src=x onerror=alert(1)>";

		RenderedTemplate mail = renderer.render(Drafts.html("<div class=\"u\" th:utext=\"${name}\">x</div>", "name"),
				Locale.ENGLISH, Map.of("name", payload));

		Document html = Jsoup.parse(mail.html());
		assertThat(html.select("script, img")).isEmpty();
		assertThat(html.selectFirst(".u").text()).isEqualTo(payload);
	}

	@Test
	void unescapedInlineOutputOfUserDataIsEscapedToo() {
		String payload = "<script>alert(1)</script><img src=\"x\" onerror=\"alert(1)\"><a href=\"javascript:alert(1)\">x</a>";

		RenderedTemplate mail = renderer.render(Drafts.html("<div class=\"u\">[(${name})]</div>", "name"),
				Locale.ENGLISH, Map.of("name", payload));

		Document html = Jsoup.parse(mail.html());
		assertThat(html.select("script, img, a")).isEmpty();
		assertThat(html.selectFirst(".u").text()).isEqualTo(payload);
	}

	@Test
	void markupInATemplateLosesScriptsHandlersAndScriptUrls() {
		RenderedTemplate mail = renderer.render(Drafts.html("<script>alert(1)</script><img src=\"x.png\" onerror=\"alert(1)\">"
				+ "<a href=\"javascript:alert(1)\">x</a><iframe src=\"https://example.com\"></iframe>"), Locale.ENGLISH,
				Map.of());

		Document html = Jsoup.parse(mail.html());
		assertThat(html.select("script, iframe, [onerror]")).isEmpty();
		assertThat(html.selectFirst("img").attr("src")).isEqualTo("x.png");
		assertThat(html.selectFirst("a").hasAttr("href")).isFalse();
	}

	@Test
	void scriptUrlsFromDataAreDropped() {
		RenderedTemplate mail = renderer.render(Drafts.html("<a th:href=\"${url}\">Track</a>", "url"), Locale.ENGLISH,
				Map.of("url", " jav\tascript:alert(document.cookie)"));

		assertThat(Jsoup.parse(mail.html()).selectFirst("a").hasAttr("href")).isFalse();
		assertThat(mail.text()).isEqualTo("Track\n");
	}

	@Test
	void scriptInStylesFromDataIsDropped() {
		RenderedTemplate mail = renderer.render(Drafts.html("<p th:style=\"${css}\">x</p>", "css"), Locale.ENGLISH,
				Map.of("css", "color: red; width: expression(alert(1)); background: url(javascript:alert(1))"));

		assertThat(Jsoup.parse(mail.html()).selectFirst("p").attr("style")).isEqualTo("color: red;");
	}

	@ParameterizedTest
	@ValueSource(strings = { "<div id=\"a\" th:insert=\"~{::#a}\">loop</div>",
			"<p th:replace=\"~{'/etc/passwd'}\">p</p>", "<p th:include=\"~{'classpath:application.yml'}\">p</p>" })
	void fragmentInclusionIsNotAvailable(String html) {
		// no insertion processor and no resolver for anything but the template itself
		assertThatThrownBy(() -> renderer.render(Drafts.html(html), Locale.ENGLISH, Map.of()))
			.isInstanceOf(TemplateRenderingException.class)
			.hasMessageContaining("Error resolving template");
	}

	@Test
	void nestedLoopsStopAtTheTimeLimit() {
		List<Integer> large = Collections.nCopies(5000, 1);
		String html = "<th:block th:each=\"a : ${l}\"><th:block th:each=\"b : ${l}\"><th:block th:each=\"c : ${l}\">"
				+ "</th:block></th:block></th:block>";
		MailRenderer limited = Drafts.renderer(Duration.ofMillis(300), 5_000_000);

		assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatThrownBy(
				() -> limited.render(Drafts.html(html, "l"), Locale.ENGLISH, Map.of("l", large)))
			.isInstanceOf(TemplateRenderingException.class)
			.hasMessageContaining("took longer than 300 ms"));
	}

	@Test
	void outputIsCapped() {
		List<Integer> large = Collections.nCopies(2000, 1);
		String html = "<p th:each=\"a : ${l}\"><span th:each=\"b : ${l}\">xxxxxxxxxx</span></p>";
		MailRenderer limited = Drafts.renderer(Duration.ofSeconds(30), 100_000);

		assertThatThrownBy(() -> limited.render(Drafts.html(html, "l"), Locale.ENGLISH, Map.of("l", large)))
			.isInstanceOf(TemplateRenderingException.class)
			.hasMessageContaining("exceeds 100000 characters");
	}

	@Test
	void renderingFailureNamesTheDataField() {
		Map<String, Object> data = Map.of("order", Map.of("total", "twelve", "currency", "EUR"));

		assertThatThrownBy(() -> renderer.render(
				Drafts.html("<p th:text=\"${#mail.money(order.total, order.currency)}\">x</p>", "order"),
				Locale.ENGLISH, data))
			.isInstanceOfSatisfying(TemplateRenderingException.class,
					ex -> assertThat(ex.field()).isEqualTo("data.order.total"));
	}

	@Test
	void noFileWasCreatedByAnyPayload() throws Exception {
		try (var files = Files.list(dir)) {
			assertThat(files).isEmpty();
		}
	}

}
