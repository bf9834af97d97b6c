package io.mailroom.template;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where operator-owned templates and their versions live. */
interface TemplateStore {

	/** A store with nothing in it: only built-ins exist (unit tests, tools). */
	TemplateStore NONE = new TemplateStore() {
		@Override
		public Optional<TemplateRevision> current(String name) {
			return Optional.empty();
		}

		@Override
		public Optional<TemplateRevision> version(String name, int version) {
			return Optional.empty();
		}

		@Override
		public List<TemplateVersionSummary> history(String name) {
			return List.of();
		}

		@Override
		public Map<String, TemplateRevision> currentTemplates() {
			return Map.of();
		}

		@Override
		public Saved save(MailTemplate template, String description, String createdBy) {
			throw new UnsupportedOperationException("this catalog has no template store");
		}

		@Override
		public boolean delete(String name) {
			return false;
		}
	};

	Optional<TemplateRevision> current(String name);

	Optional<TemplateRevision> version(String name, int version);

	/** Versions newest first, including those from before a DELETE. */
	List<TemplateVersionSummary> history(String name);

	/** Every stored template that currently has a version, by name. */
	Map<String, TemplateRevision> currentTemplates();

	/** Stores {@code template} as the next version of its name and makes it current. */
	Saved save(MailTemplate template, String description, String createdBy);

	/** Makes the template have no current version; false if it had none. */
	boolean delete(String name);

	/** @param replaced whether a stored version was current before */
	record Saved(TemplateRevision revision, boolean replaced) {
	}

}
