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

	private final MailTemplates templates = new TemplateCatalog(new TemplateProperties(null, null));

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
