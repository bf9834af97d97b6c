package io.mailroom.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

class BuiltInTemplateRenderingTests {

	private static final MailTemplates templates = new TemplateCatalog(new TemplateProperties(null, null, null));

	@Test
	void orderConfirmationListsLinesAndTotalsInEnglishMoney() {
		RenderedTemplate mail = templates.render("order-confirmation", Locale.ENGLISH, SampleModels.order());

		assertThat(mail.subject()).isEqualTo("Your order A-1001 is confirmed");
		assertThat(mail.version()).isZero();
		assertThat(mail.marketing()).isFalse();
		Document html = Jsoup.parse(mail.html());
		List<Element> lines = html.select("tr.line");
		assertThat(lines).hasSize(2);
		assertThat(lines.get(0).selectFirst(".item-name").text()).isEqualTo("Trail running shoes");
		assertThat(lines.get(0).selectFirst(".amount").text()).isEqualTo("€1,234.50");
		assertThat(lines.get(1).selectFirst(".quantity").text()).isEqualTo("3");
		assertThat(lines.get(1).selectFirst(".amount").text()).isEqualTo("€29.70");
		assertThat(html.selectFirst("tr.grand .num").text()).isEqualTo("€1,269.10");
		assertThat(html.selectFirst(".placed-at").text()).isEqualTo("May 1, 2026");
		assertThat(mail.text()).contains("Total:    €1,269.10").contains("Track your package: https://track.example.com/A-1001");
	}

	@Test
	void orderConfirmationInGermanUsesGermanMoneyDatesAndLabels() {
		RenderedTemplate mail = templates.render("order-confirmation", Locale.GERMANY, SampleModels.order());

		assertThat(mail.subject()).isEqualTo("Ihre Bestellung A-1001 ist bestätigt");
		Document html = Jsoup.parse(mail.html());
		assertThat(html.selectFirst("html").attr("lang")).isEqualTo("de");
		List<Element> lines = html.select("tr.line");
		assertThat(lines).extracting(l -> l.selectFirst(".amount").text())
			.containsExactly("1.234,50 €", "29,70 €"); // jsoup shows the no-break space as a space
		assertThat(html.selectFirst("tr.grand").text()).isEqualTo("Gesamtbetrag 1.269,10 €");
		assertThat(html.selectFirst(".placed-at").text()).isEqualTo("1. Mai 2026");
	}

	@Test
	void moneyFollowsTheOrderCurrency() {
		Map<String, Object> data = SampleModels.order();
		@SuppressWarnings("unchecked")
		Map<String, Object> order = (Map<String, Object>) data.get("order");
		order.put("currency", "JPY");
		order.put("total", 12800);

		Document html = Jsoup.parse(templates.render("order-confirmation", Locale.US, data).html());

		assertThat(html.selectFirst("tr.grand .num").text()).isEqualTo("¥12,800");
	}

	@Test
	void stylesAreInlinedAndOnlyMediaQueriesRemainInAStyleBlock() {
		for (String name : List.of("order-confirmation", "alert")) {
			Map<String, Object> data = name.equals("alert") ? SampleModels.alert("info") : SampleModels.order();
			Document html = Jsoup.parse(templates.render(name, Locale.ENGLISH, data).html());

			assertThat(html.select("style")).hasSize(1);
			String css = html.selectFirst("style").data();
			assertThat(css.replaceAll("(?s)@media[^{]*\\{([^{}]*\\{[^{}]*\\})*\\s*\\}", "").trim()).as(name).isEmpty();
			assertThat(css).contains("@media only screen and (max-width: 620px)");
			assertThat(html.selectFirst(".content").attr("style")).contains("padding: 32px;")
				.contains("font-family: Helvetica, Arial, sans-serif;");
		}
	}

	@Test
	void moreSpecificRulesWinWhenInlined() {
		Document html = Jsoup.parse(templates.render("order-confirmation", Locale.ENGLISH, SampleModels.order()).html());

		// ".items .num" (0,2,0) overrides the padding of ".items td" (0,1,1) but keeps its border
		assertThat(html.selectFirst("tr.line td.amount").attr("style")).contains("text-align: right;")
			.contains("padding-left: 12px;")
			.contains("border-bottom: 1px solid #e5e7eb;");
	}

	@Test
	void alertBannerIsColouredBySeverity() {
		assertThat(bannerStyle("critical")).contains("background-color: #b91c1c;");
		assertThat(bannerStyle("warning")).contains("background-color: #b45309;");
		assertThat(bannerStyle("info")).contains("background-color: #2563eb;");
	}

	private static String bannerStyle(String severity) {
		Document html = Jsoup.parse(templates.render("alert", Locale.ENGLISH, SampleModels.alert(severity)).html());
		return html.selectFirst(".banner").attr("style");
	}

	@Test
	void unknownLocaleFallsBackToEnglish() {
		RenderedTemplate mail = templates.render("alert", Locale.JAPANESE, SampleModels.alert("info"));

		assertThat(mail.subject()).isEqualTo("[INFO] Disk almost full on db-1");
	}

	@Test
	void missingRequiredVariableNamesTheField() {
		Map<String, Object> data = SampleModels.order();
		@SuppressWarnings("unchecked")
		Map<String, Object> order = (Map<String, Object>) data.get("order");
		order.remove("number");

		assertThatThrownBy(() -> templates.render("order-confirmation", Locale.ENGLISH, data))
			.isInstanceOfSatisfying(TemplateRenderingException.class,
					ex -> assertThat(ex.field()).isEqualTo("data.order.number"));
	}

	@Test
	void missingFieldInAListElementNamesTheElement() {
		Map<String, Object> data = SampleModels.order();
		@SuppressWarnings("unchecked")
		Map<String, Object> order = (Map<String, Object>) data.get("order");
		order.put("items", List.of(SampleModels.item("A", "a", 1, 1.0), Map.of("name", "B", "quantity", 1)));

		assertThatThrownBy(() -> templates.render("order-confirmation", Locale.ENGLISH, data))
			.isInstanceOfSatisfying(TemplateRenderingException.class,
					ex -> assertThat(ex.field()).isEqualTo("data.order.items[1].unitPrice"));
	}

	@Test
	void alertDefaultsToHighPriority() {
		assertThat(templates.describe("alert").defaultPriority()).isEqualTo("high");
		assertThat(templates.describe("order-confirmation").defaultPriority()).isEqualTo("normal");
	}

	@Test
	void alertShowsSeverityTitleAndTime() {
		RenderedTemplate mail = templates.render("alert", Locale.ENGLISH, SampleModels.alert("critical"));

		assertThat(mail.subject()).isEqualTo("[CRITICAL] Disk almost full on db-1");
		Document html = Jsoup.parse(mail.html());
		assertThat(html.selectFirst(".banner").text()).isEqualTo("Critical");
		assertThat(html.selectFirst(".occurred-at").text()).isEqualTo("May 1, 2026, 10:15 AM UTC");
		assertThat(mail.text()).startsWith("CRITICAL: Disk almost full on db-1\n");
	}

	@Test
	void unknownTemplateIsNotFound() {
		assertThat(templates.exists("nope")).isFalse();
		assertThatThrownBy(() -> templates.render("nope", Locale.ENGLISH, Map.of()))
			.isInstanceOf(TemplateNotFoundException.class);
	}

}
