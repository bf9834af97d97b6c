package io.mailroom.template;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** The {@link TemplateStore} on PostgreSQL (tables {@code mail_template*}, migration V6_1). */
@Component
class JpaTemplateStore implements TemplateStore {

	private static final TypeReference<Map<String, Object>> MODEL = new TypeReference<>() {
	};

	private final StoredTemplates heads;

	private final StoredTemplateVersions versions;

	private final JsonMapper json;

	private final Clock clock;

	JpaTemplateStore(StoredTemplates heads, StoredTemplateVersions versions, JsonMapper json, Clock clock) {
		this.heads = heads;
		this.versions = versions;
		this.json = json;
		this.clock = clock;
	}

	@Override
	@Transactional(readOnly = true)
	public Optional<TemplateRevision> current(String name) {
		return heads.findById(name)
			.filter(head -> head.currentVersion() != null)
			.flatMap(head -> versions.findByNameAndVersion(name, head.currentVersion()))
			.map(this::revision);
	}

	@Override
	@Transactional(readOnly = true)
	public Optional<TemplateRevision> version(String name, int version) {
		return versions.findByNameAndVersion(name, version).map(this::revision);
	}

	@Override
	@Transactional(readOnly = true)
	public List<TemplateVersionSummary> history(String name) {
		return versions.history(name);
	}

	@Override
	@Transactional(readOnly = true)
	public Map<String, TemplateRevision> currentTemplates() {
		Map<String, TemplateRevision> out = new TreeMap<>();
		versions.currentVersions().forEach(v -> out.put(v.name(), revision(v)));
		return out;
	}

	@Override
	@Transactional
	public Saved save(MailTemplate template, String description, String createdBy) {
		TemplateInfo info = template.info();
		Instant now = clock.instant();
		heads.createIfAbsent(info.name(), now);
		StoredTemplate head = heads.lock(info.name()).orElseThrow();
		boolean replaced = head.currentVersion() != null;
		int next = versions.latestVersion(info.name()) + 1;
		List<StoredTemplateVersion.Source> sources = new ArrayList<>();
		for (String locale : info.locales()) {
			TemplateSource s = template.sources().get(locale);
			sources.add(new StoredTemplateVersion.Source(locale, s.subject(), s.html(), s.text()));
		}
		String sample = template.sample().isEmpty() ? null : json.writeValueAsString(template.sample());
		StoredTemplateVersion stored = versions.save(new StoredTemplateVersion(info.name(), next, description,
				info.marketing(), info.defaultPriority(), info.variables(), info.required(), info.locales(), sample,
				createdBy, now, sources));
		head.point(next, now);
		return new Saved(revision(stored), replaced);
	}

	@Override
	@Transactional
	public boolean delete(String name) {
		Optional<StoredTemplate> head = heads.lock(name);
		if (head.isEmpty() || head.get().currentVersion() == null) {
			return false;
		}
		head.get().point(null, clock.instant());
		return true;
	}

	private TemplateRevision revision(StoredTemplateVersion v) {
		Map<String, TemplateSource> sources = new LinkedHashMap<>();
		v.sources().forEach(s -> sources.put(s.locale(), s.toSource()));
		TemplateInfo info = new TemplateInfo(v.name(), v.version(), false, v.marketing(), v.priority(), v.variables(),
				v.required(), v.locales());
		Map<String, Object> sample = v.sample() == null ? Map.of() : json.readValue(v.sample(), MODEL);
		return new TemplateRevision(new MailTemplate(info, sources, sample), v.description(), v.createdAt(),
				v.createdBy());
	}

}
