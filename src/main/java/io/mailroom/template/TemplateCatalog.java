package io.mailroom.template;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The {@link MailTemplates} of the service and the one place that decides which template a name
 * means: the current stored version if there is one, else the built-in. Stored lookups are cached
 * briefly because every accepted message renders a template; this instance's own changes evict
 * at once.
 */
@Component
class TemplateCatalog implements MailTemplates {

	private final BuiltInTemplates builtIns;

	private final TemplateStore store;

	private final MailRenderer renderer;

	private final TemplateValidator validator;

	private final TemplateProperties properties;

	private final Clock clock;

	private final Map<String, Cached> cache = new ConcurrentHashMap<>();

	@Autowired
	TemplateCatalog(TemplateProperties properties, TemplateStore store, Clock clock) {
		this.properties = properties;
		this.store = store;
		this.clock = clock;
		this.builtIns = BuiltInTemplates.load();
		SandboxedTemplateEngine engine = new SandboxedTemplateEngine();
		this.renderer = new MailRenderer(engine, properties.renderTimeout(), properties.maxOutputChars());
		this.validator = new TemplateValidator(engine, properties.renderTimeout(), properties.maxOutputChars());
		renderSamples();
	}

	/** Built-ins only. */
	TemplateCatalog(TemplateProperties properties) {
		this(properties, TemplateStore.NONE, Clock.systemUTC());
	}

	/**
	 * Renders every built-in with its sample in every language: a broken built-in stops the start
	 * instead of failing the first message, and the first real rendering finds parsed templates.
	 */
	private void renderSamples() {
		for (MailTemplate template : builtIns.all().values()) {
			for (String language : template.info().locales()) {
				renderer.render(template, Locale.forLanguageTag(language), template.sample());
			}
		}
	}

	@Override
	public RenderedTemplate render(String name, Locale locale, Map<String, Object> data) {
		return renderer.render(find(name).template(), locale, data);
	}

	@Override
	public boolean exists(String name) {
		return lookup(name).isPresent();
	}

	@Override
	public TemplateInfo describe(String name) {
		return find(name).template().info();
	}

	/** The template {@code name} means now: stored current version, else built-in. */
	Optional<TemplateRevision> lookup(String name) {
		Optional<TemplateRevision> stored = stored(name);
		if (stored.isPresent()) {
			return stored;
		}
		return builtIns.find(name).map(t -> new TemplateRevision(t, builtIns.description(name), null, null));
	}

	/** The built-in of that name, whether or not a stored version overrides it. */
	Optional<MailTemplate> builtIn(String name) {
		return builtIns.find(name);
	}

	Optional<TemplateRevision> version(String name, int version) {
		if (version == 0) {
			return builtIns.find(name).map(t -> new TemplateRevision(t, builtIns.description(name), null, null));
		}
		return store.version(name, version);
	}

	List<TemplateVersionSummary> history(String name) {
		return store.history(name);
	}

	/** Every template a message can use now, by name. */
	Map<String, TemplateRevision> all() {
		Map<String, TemplateRevision> out = new TreeMap<>();
		builtIns.all().keySet().forEach(name -> lookup(name).ifPresent(r -> out.put(name, r)));
		store.currentTemplates().keySet().forEach(name -> lookup(name).ifPresent(r -> out.put(name, r)));
		return out;
	}

	/**
	 * Validates and stores {@code draft} as the next version of its name.
	 * @throws TemplateValidationException the draft has problems; nothing was stored
	 */
	TemplateStore.Saved save(MailTemplate draft, String description, String createdBy) {
		List<TemplateProblem> problems = validator.validate(draft);
		if (!problems.isEmpty()) {
			throw new TemplateValidationException(problems);
		}
		try {
			return store.save(draft, description, createdBy);
		}
		finally {
			cache.remove(draft.info().name());
		}
	}

	boolean delete(String name) {
		try {
			return store.delete(name);
		}
		finally {
			cache.remove(name);
		}
	}

	/** Renders {@code template} (any revision, not only the current one) without sending anything. */
	RenderedTemplate preview(MailTemplate template, Locale locale, Map<String, Object> data) {
		return renderer.render(template, locale, data == null ? template.sample() : data);
	}

	private TemplateRevision find(String name) {
		return lookup(name).orElseThrow(() -> new TemplateNotFoundException(name));
	}

	private Optional<TemplateRevision> stored(String name) {
		Instant now = clock.instant();
		Cached cached = cache.get(name);
		if (cached != null && cached.fetchedAt().plus(properties.cacheTtl()).isAfter(now)
				&& !cached.fetchedAt().isAfter(now)) {
			return cached.revision();
		}
		Optional<TemplateRevision> revision = store.current(name);
		cache.put(name, new Cached(revision, now));
		return revision;
	}

	private record Cached(Optional<TemplateRevision> revision, Instant fetchedAt) {
	}

}
