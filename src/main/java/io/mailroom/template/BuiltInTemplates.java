package io.mailroom.template;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

import org.springframework.core.io.Resource;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The templates shipped on the classpath under {@code templates/mail/<name>/}: a
 * {@code template.properties} describing the model and defaults, and per language a folder with
 * {@code subject.txt}, {@code html.html} and optionally {@code text.txt}. Loaded once at start-up;
 * a broken built-in fails the start, not the first message.
 */
final class BuiltInTemplates {

	static final String LOCATION = "templates/mail/";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final TypeReference<Map<String, Object>> MODEL = new TypeReference<>() {
	};

	private final Map<String, MailTemplate> templates;

	private final Map<String, String> descriptions;

	private BuiltInTemplates(Map<String, MailTemplate> templates, Map<String, String> descriptions) {
		this.templates = Map.copyOf(templates);
		this.descriptions = Map.copyOf(descriptions);
	}

	static BuiltInTemplates load() {
		PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver(
				BuiltInTemplates.class.getClassLoader());
		Map<String, MailTemplate> found = new TreeMap<>();
		Map<String, String> descriptions = new TreeMap<>();
		try {
			for (Resource descriptor : resolver.getResources("classpath*:" + LOCATION + "*/template.properties")) {
				Resource folder = descriptor.createRelative("./");
				String name = folder.getURI().toString().replaceAll("/$", "").replaceAll(".*/", "");
				found.put(name, load(name, descriptor));
				descriptions.put(name, properties(descriptor).getProperty("description", ""));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the built-in mail templates", ex);
		}
		return new BuiltInTemplates(found, descriptions);
	}

	private static Properties properties(Resource descriptor) throws IOException {
		Properties p = new Properties();
		try (InputStream in = descriptor.getInputStream()) {
			p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
		}
		return p;
	}

	private static MailTemplate load(String name, Resource descriptor) throws IOException {
		Properties p = properties(descriptor);
		List<String> locales = list(p, "locales");
		Map<String, TemplateSource> sources = new LinkedHashMap<>();
		for (String locale : locales) {
			sources.put(locale, new TemplateSource(read(descriptor, locale + "/subject.txt", true),
					read(descriptor, locale + "/html.html", true), read(descriptor, locale + "/text.txt", false)));
		}
		TemplateInfo info = new TemplateInfo(name, 0, true, Boolean.parseBoolean(p.getProperty("marketing", "false")),
				p.getProperty("priority", "normal").trim(), list(p, "variables"), list(p, "required"), locales);
		String sample = read(descriptor, "sample.json", false);
		return new MailTemplate(info, sources, sample == null ? Map.of() : JSON.readValue(sample, MODEL));
	}

	private static String read(Resource descriptor, String path, boolean required) throws IOException {
		Resource r = descriptor.createRelative(path);
		if (!r.exists()) {
			if (required) {
				throw new IllegalStateException("Built-in template part missing: " + r.getDescription());
			}
			return null;
		}
		try (InputStream in = r.getInputStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	private static List<String> list(Properties p, String key) {
		String value = p.getProperty(key, "").trim();
		return value.isEmpty() ? List.of() : Arrays.stream(value.split("\\s*,\\s*")).toList();
	}

	Optional<MailTemplate> find(String name) {
		return Optional.ofNullable(templates.get(name));
	}

	String description(String name) {
		return descriptions.get(name);
	}

	Map<String, MailTemplate> all() {
		return templates;
	}

}
