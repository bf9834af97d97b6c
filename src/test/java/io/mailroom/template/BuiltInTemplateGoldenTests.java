package io.mailroom.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The text parts of the built-ins, compared with reviewed golden files in
 * {@code src/test/resources/io/mailroom/template/golden/}. After an intended change, regenerate
 * with {@code mvn test -Dtest=BuiltInTemplateGoldenTests -Dgolden.update=true} and review the diff.
 */
class BuiltInTemplateGoldenTests {

	private static final MailTemplates templates = new TemplateCatalog(new TemplateProperties(null, null, null));

	static Stream<Arguments> mails() {
		return Stream.of(Arguments.of("order-confirmation", "en", SampleModels.order()),
				Arguments.of("order-confirmation", "de", SampleModels.order()),
				Arguments.of("alert", "en", SampleModels.alert("critical")),
				Arguments.of("alert", "de", SampleModels.alert("warning")));
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("mails")
	void textPartMatchesGoldenFile(String name, String language, Map<String, Object> data) throws IOException {
		RenderedTemplate mail = templates.render(name, Locale.forLanguageTag(language), data);
		String actual = "Subject: " + mail.subject() + "\n\n" + mail.text();
		String file = "golden/" + name + "." + language + ".txt";
		if (Boolean.getBoolean("golden.update")) {
			Path target = Path.of("src/test/resources/io/mailroom/template", file);
			Files.createDirectories(target.getParent());
			Files.writeString(target, actual, StandardCharsets.UTF_8);
		}
		try (InputStream in = getClass().getResourceAsStream(file)) {
			assertThat(in).as("golden file %s", file).isNotNull();
			assertThat(actual).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
		}
	}

}
