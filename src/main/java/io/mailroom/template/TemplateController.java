package io.mailroom.template;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import io.mailroom.security.Caller;
import io.mailroom.web.FieldProblem;
import io.mailroom.web.ProblemException;
import io.mailroom.web.ProblemType;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/templates")
@Tag(name = "Templates")
class TemplateController {

	private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

	private static final Pattern LANGUAGE_TAG = Pattern.compile("[a-z]{2,3}(-[A-Z]{2}|-[0-9]{3})?");

	private static final List<String> PRIORITIES = List.of("high", "normal", "low");

	/**
	 * The preview page shows operator HTML with caller data in a browser: it may style itself and
	 * show images, nothing else (the HTML is sanitised already; this is the second fence).
	 */
	private static final String PREVIEW_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src * data:;"
			+ " font-src * data:; form-action 'none'; frame-ancestors 'self'; base-uri 'none'";

	private static final TypeReference<Map<String, Object>> MODEL = new TypeReference<>() {
	};

	private final TemplateCatalog catalog;

	private final JsonMapper json;

	TemplateController(TemplateCatalog catalog, JsonMapper json) {
		this.catalog = catalog;
		this.json = json;
	}

	record TemplateSummary(String name, int version, String source, boolean hasBuiltIn, String description,
			boolean marketing, String priority, List<String> locales, Instant updatedAt) {
	}

	record TemplateList(List<TemplateSummary> items) {
	}

	record PreviewRequest(Map<String, Object> data, String locale, Integer version) {
	}

	record Preview(String name, int version, String locale, String subject, String html, String text,
			boolean marketing) {
	}

	@GetMapping
	@Operation(summary = "All templates a message can use: built-ins and stored ones")
	TemplateList list() {
		List<TemplateSummary> items = new ArrayList<>();
		catalog.all().forEach((name, revision) -> {
			TemplateInfo info = revision.template().info();
			items.add(new TemplateSummary(name, info.version(), info.builtIn() ? "built-in" : "stored",
					catalog.builtIn(name).isPresent(), revision.description(), info.marketing(),
					info.defaultPriority(), info.locales(), revision.createdAt()));
		});
		return new TemplateList(items);
	}

	@GetMapping("/{name}")
	@Operation(summary = "The current version of a template with its sources and version history")
	TemplateView get(@PathVariable String name) {
		return view(catalog.lookup(name).orElseThrow(() -> notFound(name)));
	}

	@GetMapping("/{name}/versions/{version}")
	@Operation(summary = "One version of a template (0 is the built-in)")
	TemplateView version(@PathVariable String name, @PathVariable int version) {
		return view(catalog.version(name, version)
			.orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND, "Template " + name + " has no version " + version)));
	}

	@PutMapping(path = "/{name}", consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Store a new version of a template (checked first: 422 with line and column)")
	ResponseEntity<TemplateView> put(@PathVariable String name, @RequestBody TemplateRequest request,
			HttpServletRequest http) {
		MailTemplate draft = draft(name, request);
		Caller caller = Caller.of(http);
		TemplateStore.Saved saved = catalog.save(draft, request.description(), caller == null ? null : caller.name());
		TemplateView view = view(saved.revision());
		return saved.replaced() ? ResponseEntity.ok(view)
				: ResponseEntity.created(URI.create("/templates/" + name)).body(view);
	}

	@DeleteMapping("/{name}")
	@Operation(summary = "Delete the stored template; a built-in of the same name applies again")
	ResponseEntity<Void> delete(@PathVariable String name) {
		if (catalog.delete(name)) {
			return ResponseEntity.noContent().build();
		}
		if (catalog.builtIn(name).isPresent()) {
			throw new ProblemException(ProblemType.CONFLICT,
					"Template " + name + " is built in and has no stored version to delete; PUT one to override it");
		}
		throw notFound(name);
	}

	@PostMapping(path = "/{name}/preview", consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Render a template with the given data (default: its sample); nothing is stored or sent")
	Preview preview(@PathVariable String name, @RequestBody(required = false) PreviewRequest request) {
		PreviewRequest r = request == null ? new PreviewRequest(null, null, null) : request;
		return render(name, r.version(), r.locale(), r.data());
	}

	@GetMapping(path = "/{name}/preview")
	@Operation(summary = "The rendered HTML (or ?part=text) as a page to open in a browser")
	ResponseEntity<String> previewPage(@PathVariable String name, @RequestParam(required = false) String locale,
			@RequestParam(required = false) Integer version, @RequestParam(required = false) String data,
			@RequestParam(required = false, defaultValue = "html") String part) {
		Map<String, Object> model = null;
		if (data != null && !data.isBlank()) {
			try {
				model = json.readValue(data, MODEL);
			}
			catch (JacksonException ex) {
				throw ProblemException.invalid(List.of(new FieldProblem("data", "is not a JSON object")));
			}
		}
		Preview preview = render(name, version, locale, model);
		boolean text = part.equals("text");
		return ResponseEntity.ok()
			.contentType(new MediaType(text ? MediaType.TEXT_PLAIN : MediaType.TEXT_HTML, StandardCharsets.UTF_8))
			.header("Content-Security-Policy", PREVIEW_POLICY)
			.header("X-Content-Type-Options", "nosniff")
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.body(text ? preview.text() : preview.html());
	}

	private Preview render(String name, Integer version, String locale, Map<String, Object> data) {
		TemplateRevision revision = (version == null ? catalog.lookup(name) : catalog.version(name, version))
			.orElseThrow(() -> version == null ? notFound(name)
					: new ProblemException(ProblemType.NOT_FOUND, "Template " + name + " has no version " + version));
		Locale requested = locale == null || locale.isBlank() ? null : Locale.forLanguageTag(locale);
		MailTemplate template = revision.template();
		RenderedTemplate rendered = catalog.preview(template, requested, data);
		return new Preview(rendered.name(), rendered.version(), template.languageFor(requested), rendered.subject(),
				rendered.html(), rendered.text(), rendered.marketing());
	}

	private MailTemplate draft(String name, TemplateRequest r) {
		List<FieldProblem> errors = new ArrayList<>();
		if (!NAME.matcher(name).matches()) {
			errors.add(new FieldProblem("name",
					"must be 1-64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit"));
		}
		String locale = r.locale() == null ? "en" : r.locale();
		if (!LANGUAGE_TAG.matcher(locale).matches()) {
			errors.add(new FieldProblem("locale", "must be a language tag like en or de-AT"));
		}
		if (r.priority() != null && !PRIORITIES.contains(r.priority())) {
			errors.add(new FieldProblem("priority", "must be one of " + PRIORITIES));
		}
		if (r.category() != null && !List.of("transactional", "marketing").contains(r.category())) {
			errors.add(new FieldProblem("category", "must be transactional or marketing"));
		}
		Map<String, TemplateSource> sources = new LinkedHashMap<>();
		sources.put(locale, new TemplateSource(r.subject(), r.html(), r.text()));
		if (r.translations() != null) {
			r.translations().forEach((tag, s) -> {
				if (!LANGUAGE_TAG.matcher(tag).matches()) {
					errors.add(new FieldProblem("translations." + tag, "must be keyed by a language tag like de or de-AT"));
				}
				else if (tag.equals(locale)) {
					errors.add(new FieldProblem("translations." + tag, "repeats the main language " + locale));
				}
				else if (s == null) {
					errors.add(new FieldProblem("translations." + tag, "must have subject and html"));
				}
				else {
					sources.put(tag, new TemplateSource(s.subject(), s.html(), s.text()));
				}
			});
		}
		if (!errors.isEmpty()) {
			throw ProblemException.invalid(errors);
		}
		Optional<MailTemplate> builtIn = catalog.builtIn(name);
		TemplateInfo defaults = builtIn.map(MailTemplate::info).orElse(null);
		boolean marketing = Boolean.TRUE.equals(r.marketing()) || "marketing".equals(r.category())
				|| r.marketing() == null && r.category() == null && defaults != null && defaults.marketing();
		String priority = r.priority() != null ? r.priority() : defaults != null ? defaults.defaultPriority() : "normal";
		List<String> variables = r.variables() != null ? r.variables()
				: defaults != null ? defaults.variables() : List.of();
		List<String> required = r.required() != null ? r.required() : defaults != null ? defaults.required() : List.of();
		Map<String, Object> sample = r.sample() != null ? r.sample() : builtIn.map(MailTemplate::sample).orElse(Map.of());
		TemplateInfo info = new TemplateInfo(name, 0, false, marketing, priority, variables, required,
				List.copyOf(sources.keySet()));
		return new MailTemplate(info, sources, sample);
	}

	private TemplateView view(TemplateRevision revision) {
		MailTemplate t = revision.template();
		TemplateInfo info = t.info();
		String fallback = info.locales().get(0);
		TemplateSource main = t.sources().get(fallback);
		Map<String, TemplateRequest.LocalizedSource> translations = new LinkedHashMap<>();
		t.sources().forEach((tag, s) -> {
			if (!tag.equals(fallback)) {
				translations.put(tag, new TemplateRequest.LocalizedSource(s.subject(), s.html(), s.text()));
			}
		});
		return new TemplateView(info.name(), info.version(), info.builtIn() ? "built-in" : "stored",
				catalog.builtIn(info.name()).isPresent(), revision.description(), info.marketing(),
				info.marketing() ? "marketing" : "transactional", info.defaultPriority(), info.variables(),
				info.required(), fallback, main.subject(), main.html(), main.text(), translations, t.sample(),
				revision.createdAt(), revision.createdBy(), catalog.history(info.name()));
	}

	private static ProblemException notFound(String name) {
		return new ProblemException(ProblemType.NOT_FOUND, "No template named '" + name + "'");
	}

}
