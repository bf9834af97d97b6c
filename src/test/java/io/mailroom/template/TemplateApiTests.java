package io.mailroom.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

@MailroomTest
class TemplateApiTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	MailTemplates templates;

	@Autowired
	JdbcTemplate jdbc;

	Api api;

	@BeforeEach
	void setUp() {
		api = new Api(port);
	}

	private static String body(Map<String, Object> fields) {
		return JSON.writeValueAsString(fields);
	}

	private static Map<String, Object> welcome(String greeting) {
		return Map.of("subject", greeting + " [(${user.name})]", "html",
				"<html><head><style>p { color: #333; }</style></head><body><p class=\"g\">" + greeting
						+ " <span th:text=\"${user.name}\">x</span></p></body></html>",
				"variables", List.of("user"), "required", List.of("user.name"), "sample", Map.of("user", Map.of("name", "Ana")));
	}

	@Test
	void storedTemplatesAreVersioned() {
		Api.Response first = api.put("/templates/welcome", body(welcome("Hello")));
		Api.Response second = api.put("/templates/welcome", body(welcome("Hi")));

		assertThat(first.status()).isEqualTo(201);
		assertThat(first.header("Location")).isEqualTo("/templates/welcome");
		assertThat(first.json().get("version").asInt()).isEqualTo(1);
		assertThat(second.status()).isEqualTo(200);
		Api.Response current = api.get("/templates/welcome");
		assertThat(current.json().get("version").asInt()).isEqualTo(2);
		assertThat(current.json().get("source").asString()).isEqualTo("stored");
		assertThat(current.json().get("subject").asString()).isEqualTo("Hi [(${user.name})]");
		assertThat(current.json().get("createdBy").asString()).isNotBlank();
		assertThat(current.json().get("versions").findValues("version")).extracting(JsonNode::asInt)
			.containsExactly(2, 1);
		Api.Response old = api.get("/templates/welcome/versions/1");
		assertThat(old.json().get("subject").asString()).isEqualTo("Hello [(${user.name})]");

		RenderedTemplate rendered = templates.render("welcome", Locale.ENGLISH, Map.of("user", Map.of("name", "Bo")));
		assertThat(rendered.version()).isEqualTo(2);
		assertThat(rendered.subject()).isEqualTo("Hi Bo");
		assertThat(Jsoup.parse(rendered.html()).selectFirst("p.g").attr("style")).isEqualTo("color: #333;");
		assertThat(rendered.text()).isEqualTo("Hi Bo\n");
	}

	@Test
	void storedTemplateOverridesTheBuiltInAndDeleteFallsBack() {
		Api.Response put = api.put("/templates/alert", body(Map.of("subject", "ALERT [(${title})]", "html",
				"<p th:text=\"${summary}\">s</p>", "text", "[(${summary})]")));
		assertThat(put.status()).as(put.body()).isEqualTo(201);
		// defaults of the built-in it overrides
		assertThat(put.json().get("priority").asString()).isEqualTo("high");
		assertThat(put.json().get("hasBuiltIn").asBoolean()).isTrue();

		Map<String, Object> data = SampleModels.alert("info");
		RenderedTemplate overridden = templates.render("alert", Locale.ENGLISH, data);
		assertThat(overridden.subject()).isEqualTo("ALERT Disk almost full on db-1");
		assertThat(overridden.version()).isPositive();
		assertThat(templates.describe("alert").defaultPriority()).isEqualTo("high");

		assertThat(api.delete("/templates/alert").status()).isEqualTo(204);

		RenderedTemplate builtIn = templates.render("alert", Locale.ENGLISH, data);
		assertThat(builtIn.version()).isZero();
		assertThat(builtIn.subject()).isEqualTo("[INFO] Disk almost full on db-1");
		Api.Response get = api.get("/templates/alert");
		assertThat(get.json().get("source").asString()).isEqualTo("built-in");
		assertThat(get.json().get("versions")).hasSize(1);
		assertThat(api.delete("/templates/alert").status()).isEqualTo(409);
	}

	@Test
	void invalidTemplatesAreRefusedWithLineAndColumnAndNotStored() {
		Api.Response response = api.put("/templates/broken", body(Map.of("subject", "Hi", "html",
				"<p>\n  <b th:text=\"${secret.password}\">x</b>\n</p>", "variables", List.of("user"))));

		assertThat(response.status()).isEqualTo(422);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		assertThat(response.json().get("type").asString()).isEqualTo("urn:mailroom:problem:template-invalid");
		JsonNode error = response.json().get("errors").get(0);
		assertThat(error.get("field").asString()).isEqualTo("html");
		assertThat(error.get("line").asInt()).isEqualTo(2);
		assertThat(error.get("column").asInt()).isEqualTo(17);
		assertThat(error.get("message").asString()).contains("'secret' is not a variable");
		assertThat(api.get("/templates/broken").status()).isEqualTo(404);
	}

	@Test
	void injectionPayloadsAreRefusedWhenStored() {
		List<String> payloads = List.of("<p th:text=\"__${T(java.lang.Runtime).getRuntime().exec('id')}__::.x\">x</p>",
				"<p th:text=\"${@environment.getProperty('spring.datasource.password')}\">x</p>",
				"<p th:utext=\"${user.name}\">x</p>", "<p>[(${user.name})]</p>",
				"<div th:insert=\"~{'classpath:application.yml'}\"></div>",
				"<p th:text=\"${user.getClass().forName('java.lang.Runtime')}\">x</p>");
		for (String html : payloads) {
			Api.Response response = api.put("/templates/evil",
					body(Map.of("subject", "x", "html", html, "variables", List.of("user"))));

			assertThat(response.status()).as(html).isEqualTo(422);
			assertThat(response.json().get("errors").get(0).get("line").asInt()).as(html).isEqualTo(1);
		}
		assertThat(api.get("/templates/evil").status()).isEqualTo(404);
	}

	@Test
	void translationsAreStoredAndPickedByLocale() {
		Map<String, Object> request = new java.util.HashMap<>(welcome("Hello"));
		request.put("translations", Map.of("de", Map.of("subject", "Hallo [(${user.name})]", "html",
				"<p>Hallo <span th:text=\"${user.name}\">x</span></p>")));
		assertThat(api.put("/templates/greeting", body(request)).status()).isEqualTo(201);

		assertThat(templates.render("greeting", Locale.GERMANY, Map.of("user", Map.of("name", "Jo"))).subject())
			.isEqualTo("Hallo Jo");
		assertThat(templates.render("greeting", Locale.FRENCH, Map.of("user", Map.of("name", "Jo"))).subject())
			.isEqualTo("Hello Jo");
		RenderedTemplate de = templates.render("greeting", Locale.GERMAN, Map.of("user", Map.of("name", "Jo")));
		assertThat(de.text()).isEqualTo("Hallo Jo\n");
	}

	@Test
	void previewRendersAndStoresNothing() {
		int versions = jdbc.queryForObject("select count(*) from mail_template_version", Integer.class);
		int messages = jdbc.queryForObject("select count(*) from message", Integer.class);

		Api.Response preview = api.post("/templates/order-confirmation/preview",
				body(Map.of("locale", "de", "data", SampleModels.order())));

		assertThat(preview.status()).isEqualTo(200);
		assertThat(preview.json().get("subject").asString()).isEqualTo("Ihre Bestellung A-1001 ist bestätigt");
		assertThat(preview.json().get("locale").asString()).isEqualTo("de");
		assertThat(preview.json().get("text").asString()).contains("Gesamtbetrag:  1.269,10\u00a0€");
		assertThat(Jsoup.parse(preview.json().get("html").asString()).select("tr.line")).hasSize(2);
		assertThat(jdbc.queryForObject("select count(*) from mail_template_version", Integer.class))
			.isEqualTo(versions);
		assertThat(jdbc.queryForObject("select count(*) from message", Integer.class)).isEqualTo(messages);
	}

	@Test
	void previewWithoutDataUsesTheSample() {
		Api.Response preview = api.post("/templates/alert/preview", "{}");

		assertThat(preview.json().get("subject").asString()).isEqualTo("[CRITICAL] Disk almost full on db-1");
	}

	@Test
	void previewWithMissingDataIsAProblem() {
		Api.Response preview = api.post("/templates/order-confirmation/preview",
				body(Map.of("data", Map.of("customer", Map.of("name", "Ana")))));

		assertThat(preview.status()).isEqualTo(422);
		assertThat(preview.json().get("errors").get(0).get("field").asString()).isEqualTo("data.order");
	}

	@Test
	void previewPageIsHtmlForABrowser() {
		Api.Response page = api.get("/templates/alert/preview?locale=de");

		assertThat(page.status()).isEqualTo(200);
		assertThat(page.header("Content-Type")).startsWith("text/html");
		assertThat(page.header("Content-Security-Policy")).contains("default-src 'none'");
		assertThat(Jsoup.parse(page.body()).selectFirst(".banner").text()).isEqualTo("Kritisch");
		Api.Response text = api.get("/templates/alert/preview?part=text");
		assertThat(text.body()).startsWith("CRITICAL: Disk almost full on db-1");
	}

	@Test
	void listShowsBuiltInsAndStoredTemplates() {
		api.put("/templates/listed", body(welcome("Hey")));

		JsonNode items = api.get("/templates").json().get("items");

		assertThat(items.findValues("name")).extracting(JsonNode::asString)
			.contains("alert", "order-confirmation", "listed");
	}

	@Test
	void marketingTemplatesAreFlagged() {
		Map<String, Object> request = new java.util.HashMap<>(welcome("News"));
		request.put("category", "marketing");
		assertThat(api.put("/templates/newsletter", body(request)).status()).isEqualTo(201);

		assertThat(templates.render("newsletter", Locale.ENGLISH, Map.of("user", Map.of("name", "A"))).marketing())
			.isTrue();
		assertThat(templates.describe("newsletter").marketing()).isTrue();
		assertThat(templates.render("alert", Locale.ENGLISH, SampleModels.alert("info")).marketing()).isFalse();
	}

	@Test
	void concurrentWritersGetDistinctVersions() {
		List<CompletableFuture<Integer>> puts = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			String greeting = "Hello" + i;
			puts.add(CompletableFuture.supplyAsync(() -> api.put("/templates/busy", body(welcome(greeting))).status()));
		}

		assertThat(puts.stream().map(CompletableFuture::join)).allMatch(s -> s == 200 || s == 201);
		assertThat(jdbc.queryForList("select version from mail_template_version where name = 'busy' order by 1",
				Integer.class)).containsExactly(1, 2, 3, 4);
	}

	@Test
	void messagesRecordTheTemplateVersion() {
		api.put("/templates/receipt", body(welcome("Thanks")));
		api.put("/templates/receipt", body(welcome("Thank you")));

		Api.Response accepted = api.post("/messages", body(Map.of("template", "receipt", "to",
				List.of(Map.of("email", "ana@example.com")), "data", Map.of("user", Map.of("name", "Ana")))));

		assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
		Api.Response message = api.get("/messages/" + accepted.json().get("id").asString());
		assertThat(message.json().get("templateVersion").asInt()).isEqualTo(2);
	}

	@Test
	void badNamesAndPrioritiesAreValidationErrors() {
		Api.Response response = api.put("/templates/Bad%20Name",
				body(Map.of("subject", "x", "html", "<p>x</p>", "priority", "urgent")));

		assertThat(response.status()).isEqualTo(400);
		assertThat(response.json().get("errors").findValues("field")).extracting(JsonNode::asString)
			.containsExactly("name", "priority");
	}

	@Test
	void readmeExampleOverridesTheOrderConfirmation() {
		String readmeExample = """
				{
				  "description": "Order confirmation in our brand colours",
				  "locale": "en",
				  "subject": "Order [(${order.number})] confirmed",
				  "html": "<html><head><style>h1 { color: #0a7; }</style></head><body><h1>Thanks, <span th:text=\\"${customer.name}\\">you</span>!</h1><p>Total: <b th:text=\\"${#mail.money(order.total, order.currency)}\\">€0</b></p></body></html>",
				  "text": "Thanks, [(${customer.name})]!\\nTotal: [(${#mail.money(order.total, order.currency)})]\\n",
				  "translations": {
				    "de": {
				      "subject": "Bestellung [(${order.number})] bestätigt",
				      "html": "<html><body><h1>Danke, <span th:text=\\"${customer.name}\\">du</span>!</h1></body></html>",
				      "text": null
				    }
				  },
				  "marketing": false,
				  "priority": "normal",
				  "variables": ["customer", "order", "trackingUrl"],
				  "required": ["customer.name", "order.number", "order.total", "order.currency"],
				  "sample": {"customer": {"name": "Ana"}, "order": {"number": "A-1", "total": 10, "currency": "EUR"}}
				}
				""";

		Api.Response put = api.put("/templates/order-confirmation", readmeExample);

		assertThat(put.status()).as(put.body()).isIn(200, 201);
		RenderedTemplate de = templates.render("order-confirmation", Locale.GERMAN, SampleModels.order());
		assertThat(de.subject()).isEqualTo("Bestellung A-1001 bestätigt");
		assertThat(de.text()).isEqualTo("Danke, Ana Lima!\n");
		RenderedTemplate en = templates.render("order-confirmation", Locale.ENGLISH, SampleModels.order());
		assertThat(Jsoup.parse(en.html()).selectFirst("h1").attr("style")).isEqualTo("color: #0a7;");
		assertThat(en.text()).isEqualTo("Thanks, Ana Lima!\nTotal: €1,269.10\n");
		assertThat(api.delete("/templates/order-confirmation").status()).isEqualTo(204);
	}

	@Test
	void templateEndpointsAreInTheOpenApiDocument() {
		JsonNode paths = api.get("/v3/api-docs").json().get("paths");

		assertThat(paths.has("/templates/{name}")).isTrue();
		assertThat(paths.get("/templates/{name}").has("put")).isTrue();
		assertThat(paths.has("/templates/{name}/preview")).isTrue();
	}

	@Test
	void unknownTemplatesAreNotFound() {
		assertThat(api.get("/templates/nope").status()).isEqualTo(404);
		assertThat(api.delete("/templates/nope").status()).isEqualTo(404);
		assertThat(api.post("/templates/nope/preview", "{}").status()).isEqualTo(404);
	}

}
