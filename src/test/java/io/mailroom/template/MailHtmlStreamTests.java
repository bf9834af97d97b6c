package io.mailroom.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.core.io.ClassPathResource;
import org.thymeleaf.templatemode.TemplateMode;

/**
 * The streamed finish ({@link MailHtmlStream}) must give the same mail HTML as parsing the
 * rendered document and rewriting it ({@link MailHtml#finish}): compared as documents (both
 * parsed again and serialised), for the built-ins and for templates made to tell them apart.
 */
class MailHtmlStreamTests {

	private final SandboxedTemplateEngine engine = new SandboxedTemplateEngine();

	private int renderings;

	private String streamed(String source, Map<String, Object> model) {
		assertThat(MailHtmlStream.suits(source)).as("template suits streaming").isTrue();
		String name = "t" + renderings++;
		return MailHtmlStream.during(() -> engine.process(name, source, TemplateMode.HTML, Locale.ENGLISH, model,
				new RenderBudget(Duration.ofSeconds(5), 10_000_000)));
	}

	private String parsed(String source, Map<String, Object> model) {
		String name = "t" + renderings++;
		return MailHtml.finish(engine.process(name, source, TemplateMode.HTML, Locale.ENGLISH, model,
				new RenderBudget(Duration.ofSeconds(5), 10_000_000)));
	}

	private static MailTemplate template(String name, String html) {
		TemplateInfo info = new TemplateInfo(name, 1, false, false, "normal", List.of(), List.of(), List.of("en"));
		return new MailTemplate(info, Map.of("en", new TemplateSource("Subject", html, "text")), Map.of());
	}

	private static String normalised(String html) {
		Document doc = Jsoup.parse(html);
		doc.outputSettings().prettyPrint(false);
		return doc.outerHtml();
	}

	private void assertSame(String source, Map<String, Object> model) {
		assertThat(normalised(streamed(source, model))).isEqualTo(normalised(parsed(source, model)));
	}

	@ParameterizedTest
	@ValueSource(strings = { "order-confirmation/en", "order-confirmation/de", "alert/en", "alert/de" })
	void builtInsComeOutAsFromTheParsedPath(String template) throws Exception {
		String source = new ClassPathResource("templates/mail/" + template + "/html.html")
			.getContentAsString(StandardCharsets.UTF_8);
		Map<String, Object> model = template.startsWith("order") ? SampleModels.order()
				: SampleModels.alert("critical");

		assertSame(source, model);
	}

	private static final String HOSTILE = """
			<!DOCTYPE html>
			<html><head><title>t</title>
			<meta http-equiv="refresh" content="0;url=https://evil.example/">
			<link rel="stylesheet" href="https://evil.example/x.css">
			<base href="https://evil.example/">
			<script>alert(1)</script>
			<style>
			  * { margin: 0; }
			  p strong { color: red; }
			  .a.b { font-weight: bold; }
			  #main { padding: 4px; }
			  [data-kind=note] { color: gray !important; }
			  table.t > tbody > tr > td:first-child { color: green; }
			  td + td { text-align: right; }
			  li:nth-child(2) { color: blue; }
			  h1, h2 { font-size: 20px; }
			  a:hover { color: orange; }
			  @media (max-width: 600px) { p { font-size: 12px !important; } }
			  @font-face { font-family: X; src: url(x.woff); }
			  @import url(https://evil.example/y.css);
			  .bad { width: expression(alert(1)); color: navy; }
			</style>
			<style media="print">p { color: black; }</style>
			</head>
			<body>
			<div id="main">
			  <h1 onclick="alert(1)">Hello</h1>
			  <p class="a b" style="color: black; margin: 2px">x <strong>y</strong></p>
			  <p data-kind="note" style="color: purple">note</p>
			  <p th:class="${cls}" th:text="${text}">z</p>
			  <a th:href="${url}" href="#">link</a>
			  <a th:href="${good}" href="#">good</a>
			  <img th:src="${svg}" alt="i">
			  <img src="data:image/png;base64,AAAA" alt="png">
			  <span th:style="${style}">s</span>
			  <span th:attr="onmouseover=${text}">m</span>
			  <div class="bad">bad</div>
			  <iframe src="https://evil.example/"><p>inside</p></iframe>
			  <object data="x"><embed src="y"></object>
			  <table class="t"><tr th:each="r : ${rows}"><td th:text="${r}">1</td><td>2</td><td>3</td></tr></table>
			  <ul><li th:each="r : ${rows}" th:text="${r}">i</li></ul>
			  <th:block th:each="r : ${rows}"><p th:text="${r}">b</p></th:block>
			  <p th:utext="${markup}">u</p>
			  <noscript><p>no</p></noscript>
			  <form action="javascript:alert(1)"><input type="text" value="a &amp; b"></form>
			</div>
			<script>alert(2)</script>
			</body></html>
			""";

	@Test
	void hostileTemplateAndDataComeOutAsFromTheParsedPath() {
		Map<String, Object> model = new LinkedHashMap<>();
		model.put("cls", "a b");
		model.put("text", "Tom & \"Jerry\" <b>");
		model.put("url", "java\tscript:alert(1)");
		model.put("good", "https://example.com/?a=1&b=2");
		model.put("svg", "data:image/svg+xml;base64,AAAA");
		model.put("style", "color: red; background: url(javascript:alert(1)); font-family: \"Helvetica\"");
		model.put("rows", List.of("one", "two", "three"));
		model.put("markup", "<script>alert(3)</script><img src=x onerror=alert(4)>");

		String streamed = streamed(HOSTILE, model);
		assertSame(HOSTILE, model);
		Document doc = Jsoup.parse(streamed);
		assertThat(doc.select("script, iframe, object, embed, link, base, noscript, meta[http-equiv]")).isEmpty();
		assertThat(streamed).doesNotContain("onclick").doesNotContain("onmouseover").doesNotContain("javascript")
			.doesNotContain("expression(");
		assertThat(doc.selectFirst("#main").attr("style")).isEqualTo("margin: 0; padding: 4px;");
		assertThat(doc.select("table.t td").eachAttr("style")).startsWith("margin: 0; color: green;",
				"margin: 0; text-align: right;");
		assertThat(doc.select("li").eachAttr("style")).containsExactly("margin: 0;", "margin: 0; color: blue;",
				"margin: 0;");
		assertThat(doc.selectFirst("head > style").data()).contains("a:hover").contains("@media print")
			.contains("@font-face").doesNotContain("@import");
	}

	@Test
	void dataInlinedUnescapedOrIntoCommentsCannotWriteMarkup() {
		String source = """
				<html><head><style>p { margin: 0 }</style></head><body>
				<p class="raw">[(${payload})]</p>
				<p class="text" th:inline="text">[[${payload}]]</p>
				<!--[if mso]><table><tr><td><![endif]-->
				<!-- note: [[${payload}]] -->
				<p class="math">1 < 2 > 0</p>
				</body></html>
				""";
		String payload = "--><script>alert(1)</script><img src=x onerror=alert(2)><a href=\"javascript:x\">a</a>";

		String html = streamed(source, Map.of("payload", payload));

		Document doc = Jsoup.parse(html);
		assertThat(doc.select("script, img, a, [onerror]")).isEmpty();
		assertThat(doc.selectFirst(".raw").text()).isEqualTo(payload);
		assertThat(doc.selectFirst(".text").text()).isEqualTo(payload);
		assertThat(doc.selectFirst(".math").text()).isEqualTo("1 < 2 > 0");
		assertThat(html).contains("<!--[if mso]><table><tr><td><![endif]-->");
		assertSame(source, Map.of("payload", payload));
	}

	private static final String DANGEROUS = "script, iframe, object, embed, base, link, meta[http-equiv], [onerror], "
			+ "[onclick], [onload], a[href^=javascript], img[src^=javascript]";

	/**
	 * Markup that Thymeleaf's parser splits differently from a browser (found in review): however
	 * the template is finished, a browser must find nothing active in the result.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "<script/x>alert(1)</script>", "<p/onclick=alert(1)>a</p>", "<svg/onload=alert(1)>",
			"<img src=x /onerror=alert(1)>", "<a href=\"x\"/onclick=\"alert(2)\">a</a>",
			"<a/href=\"javascript:alert(1)\">a</a>", "<iframe/src=\"https://evil.example/\"></iframe>",
			"<object/data=\"x\"></object>", "<embed/src=\"x\">", "<base/href=\"https://evil.example/\">",
			"<link/rel=stylesheet href=\"https://evil.example/x.css\">", "<!--><img src=x onerror=alert(1)>-->",
			"<!---><img src=x onerror=alert(1)>-->", "<?x ><img src=x onerror=alert(1)> ?>",
			"<textarea/><p title=\"</textarea><img src=x onerror=alert(1)>\">x</p>",
			"<xmp><p title=\"</xmp><img src=x onerror=alert(1)>\">x</p></xmp>",
			"<noembed><p title=\"</noembed><img src=x onerror=alert(1)>\">x</p></noembed>",
			"<title><p title=\"</title><img src=x onerror=alert(1)>\">x</p></title>",
			"<title/><p title=\"</title><img src=x onerror=alert(1)>\">x</p>",
			"<meta http-equiv=\"&#114;efresh\" content=\"0;url=https://evil.example/\">",
			"<meta http-equiv=\"&#9;refresh\" content=\"0;url=https://evil.example/\">", "<!--[(${note})]-->",
			"<div th:inline=\"text\"><!--[[${note}]]--></div>", "<p>[(${note})]</p>" })
	void markupParsedDifferentlyByABrowserStaysInactive(String body) {
		String source = "<html><head><style>p { margin: 0 }</style></head><body>" + body + "</body></html>";
		MailTemplate template = template("tricky-" + Integer.toHexString(body.hashCode()), source);

		String html = Drafts.renderer()
			.render(template, Locale.ENGLISH, Map.of("note", "><img src=x onerror=alert(1)>"))
			.html();

		assertThat(Jsoup.parse(html).select(DANGEROUS)).as(html).isEmpty();
	}

	@Test
	void aDoctypeWithAnInternalSubsetOrAStyleEndTagVariantCannotOpenMarkup() {
		for (String source : List.of(
				"<!DOCTYPE html [ ><img src=x onerror=alert(1)> ]><html><head><style>p { margin: 0 }</style></head><body><p>a</p></body></html>",
				"<html><head><style>@media x{</style/><script>alert(1)</script>}</style></head><body><p>a</p></body></html>",
				"<html><head><style media=\"print and (x)</style><script>alert(1)</script>\">p{}</style></head><body><p>a</p></body></html>")) {
			String html = Drafts.renderer().render(template("d-" + source.hashCode(), source), Locale.ENGLISH, Map.of())
				.html();

			assertThat(Jsoup.parse(html).select(DANGEROUS)).as(html).isEmpty();
		}
	}

	@Test
	void outlookConditionalMarkersSurviveAndDataCannotForgeMoreThanAMarker() {
		String source = "<html><head><style>p { margin: 0 }</style></head><body><![if !mso]><p>web</p><![endif]>"
				+ "<p th:text=\"${x}\">x</p></body></html>";

		String html = streamed(source, Map.of("x", "<![endif]><img src=x onerror=alert(1)>"));

		assertThat(html).contains("<![if !mso]><p style=\"margin: 0;\">web</p><![endif]>");
		assertThat(Jsoup.parse(html).select(DANGEROUS)).isEmpty();
	}

	@Test
	void selectorsWithOtherWhitespaceOrEscapesStillMatch() {
		String source = "<html><head><style>div\tspan { color: red } .a\n.b { color: blue } .sm\\:x { color: green }</style>"
				+ "</head><body><div><span>s</span></div><div class=\"a\"><p class=\"b\">p</p></div>"
				+ "<p class=\"sm:x\">e</p></body></html>";

		assertSame(source, Map.of());
		Document doc = Jsoup.parse(streamed(source, Map.of()));
		assertThat(doc.selectFirst("span").attr("style")).isEqualTo("color: red;");
		assertThat(doc.selectFirst(".b").attr("style")).isEqualTo("color: blue;");
		assertThat(doc.select("p").last().attr("style")).isEqualTo("color: green;");
	}

	@Test
	void templatesWhoseRulesNeedTheWholeDocumentTakeTheParsedPath() {
		assertThat(MailHtmlStream.suits("<html><head><style>li:last-child { color: red }</style></head><body></body></html>"))
			.isFalse();
		assertThat(MailHtmlStream.suits("<html><head></head><body><style>p { color: red }</style></body></html>"))
			.isFalse();
		assertThat(MailHtmlStream.suits("<html><head><style th:if=\"${x}\">p { color: red }</style></head><body></body></html>"))
			.isFalse();
		assertThat(MailHtmlStream.suits("<html><head><style>p { color: [[${c}]] }</style></head><body></body></html>"))
			.isFalse();
		assertThat(MailHtmlStream.suits("<style>p { color: red }</style><p>no head</p>")).isFalse();
		assertThat(MailHtmlStream.suits("<html><head><style>p:empty, td:has(b) { color: red }</style></head><body></body></html>"))
			.isFalse();
		assertThat(MailHtmlStream.suits("<html><head><style>p { color: red }</style></head><body></body></html>"))
			.isTrue();
	}

	@Test
	void rendererStreamsOnlyTemplatesThatSuitAndBothPathsKeepTheirRules() {
		MailRenderer renderer = Drafts.renderer();
		MailTemplate lookAhead = template("look-ahead",
				"<html><head><style>li:last-child { color: red } li { margin: 0 }</style></head>"
						+ "<body><ul><li th:each=\"i : ${items}\" th:text=\"${i}\">x</li></ul><script>x()</script></body></html>");
		MailTemplate plain = template("plain",
				"<html><head><style>li { margin: 0 }</style></head>"
						+ "<body><ul><li th:each=\"i : ${items}\" th:text=\"${i}\">x</li></ul><script>x()</script></body></html>");

		Document a = Jsoup.parse(renderer.render(lookAhead, Locale.ENGLISH, Map.of("items", List.of("1", "2"))).html());
		Document b = Jsoup.parse(renderer.render(plain, Locale.ENGLISH, Map.of("items", List.of("1", "2"))).html());

		assertThat(a.select("li").eachAttr("style")).containsExactly("margin: 0;", "margin: 0; color: red;");
		assertThat(b.select("li").eachAttr("style")).containsExactly("margin: 0;", "margin: 0;");
		assertThat(a.select("script")).isEmpty();
		assertThat(b.select("script")).isEmpty();
	}

	/**
	 * Cascaded styles are remembered across renderings by the rules' declarations and the own
	 * style: each template, each rule set and each own style (here from data) must still get its
	 * own result, the second time as the first.
	 */
	@Test
	void rememberedCascadesKeepTemplatesRulesAndOwnStylesApart() {
		String red = "<html><head><style>td { color: red } .x { margin: 0 }</style></head><body><table>"
				+ "<tr><td>a</td><td class=\"x\">b</td><td th:style=\"${s}\">c</td></tr></table></body></html>";
		String blue = red.replace("red", "blue");

		for (int round = 0; round < 2; round++) {
			for (String own : List.of("padding: 1px", "padding: 2px")) {
				Document r = Jsoup.parse(streamed(red, Map.of("s", own)));
				Document b = Jsoup.parse(streamed(blue, Map.of("s", own)));

				assertThat(r.select("td").eachAttr("style")).containsExactly("color: red;", "color: red; margin: 0;",
						"color: red; " + own + ";");
				assertThat(b.select("td").eachAttr("style")).containsExactly("color: blue;",
						"color: blue; margin: 0;", "color: blue; " + own + ";");
			}
		}
	}

	/** The cascade applies inside the body, however deep, and to nothing written after it ends. */
	@Test
	void onlyElementsInsideTheBodyGetInlinedStyles() {
		String source = "<html><head><style>p, img { margin: 0 }</style></head><body>"
				+ "<p>a</p><div><div><table><tr><td><p>b</p><img src=\"x.png\"></td></tr></table></div></div>"
				+ "</body><p>after</p></html>";

		Document doc = Jsoup.parse(streamed(source, Map.of()));

		assertThat(doc.select("p").eachAttr("style")).containsExactly("margin: 0;", "margin: 0;");
		assertThat(doc.select("p").last().text()).isEqualTo("after");
		assertThat(doc.select("p").last().hasAttr("style")).isFalse();
		assertThat(doc.select("img").attr("style")).isEqualTo("margin: 0;");
	}

	/**
	 * Remembered cascades are bounded by their length, not their number: own styles from data can
	 * be long, and a few hundred of 40,000 characters each must not pile up on the heap.
	 */
	@Test
	void rememberedCascadesAreBoundedByLength() {
		String source = "<html><head><style>td { color: red }</style></head><body><table><tr>"
				+ "<td th:style=\"${s}\">c</td></tr></table></body></html>";

		for (int i = 0; i < 300; i++) {
			String own = "padding: " + i + "px; font-family: " + "x".repeat(40_000);
			assertThat(Jsoup.parse(streamed(source, Map.of("s", own))).select("td").attr("style")).endsWith("x;");
		}

		assertThat(MailHtmlStream.rememberedStyleChars()).isBetween(0L, 4_000_000L);
	}

}
