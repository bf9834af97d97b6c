package io.mailroom.template;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Required model paths, and the field a missing or misshapen value is reported under. */
class RequiredFieldsTests {

	private static final List<String> PATHS = List.of("order.number", "order.items[].sku", "order.items[].tags[].name");

	@Test
	void presentValuesPass() {
		Map<String, Object> data = Map.of("order", Map.of("number", "A-1", "items",
				List.of(Map.of("sku", "S1", "tags", List.of(Map.of("name", "x"))), Map.of("sku", "S2", "tags", List.of()))));
		assertThatCode(() -> RequiredFields.check("t", PATHS, data)).doesNotThrowAnyException();
	}

	@Test
	void aMissingValueDeepInListsIsNamedWithItsIndexes() {
		Map<String, Object> data = Map.of("order", Map.of("number", "A-1", "items",
				List.of(Map.of("sku", "S1", "tags", List.of()), Map.of("sku", "S2", "tags", List.of(Map.of("name", "x"), Map.of("name", " "))))));
		assertThatThrownBy(() -> RequiredFields.check("t", PATHS, data))
			.isInstanceOf(TemplateRenderingException.class)
			.hasMessage("Template 't' requires data.order.items[1].tags[1].name, which is missing or blank")
			.extracting("field")
			.isEqualTo("data.order.items[1].tags[1].name");
	}

	@Test
	void aValueOfTheWrongShapeIsNamed() {
		assertThatThrownBy(() -> RequiredFields.check("t", PATHS, Map.of("order", Map.of("number", "A-1", "items", "none"))))
			.hasMessage("data.order.items must be a list")
			.extracting("field")
			.isEqualTo("data.order.items");
		assertThatThrownBy(() -> RequiredFields.check("t", PATHS,
				Map.of("order", Map.of("number", "A-1", "items", List.of(Map.of("sku", "S1", "tags", List.of("x")))))))
			.hasMessage("data.order.items[0].tags[0] must be an object")
			.extracting("field")
			.isEqualTo("data.order.items[0].tags[0]");
	}

}
