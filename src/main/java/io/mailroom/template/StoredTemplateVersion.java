package io.mailroom.template;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Embeddable;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One immutable version of a stored template, with its sources per language. */
@Entity
@Table(name = "mail_template_version")
class StoredTemplateVersion {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private Long id;

	@Column(nullable = false)
	private String name;

	@Column(nullable = false)
	private int version;

	private String description;

	@Column(nullable = false)
	private boolean marketing;

	@Column(nullable = false)
	private String priority;

	@JdbcTypeCode(SqlTypes.ARRAY)
	@Column(nullable = false, columnDefinition = "text[]")
	private List<String> variables;

	@JdbcTypeCode(SqlTypes.ARRAY)
	@Column(nullable = false, columnDefinition = "text[]")
	private List<String> required;

	@JdbcTypeCode(SqlTypes.ARRAY)
	@Column(nullable = false, columnDefinition = "text[]")
	private List<String> locales;

	private String sample;

	@Column(name = "created_by")
	private String createdBy;

	@Column(name = "created_at", nullable = false)
	private Instant createdAt;

	@ElementCollection(fetch = FetchType.EAGER)
	@CollectionTable(name = "mail_template_source", joinColumns = @JoinColumn(name = "version_id"))
	private List<Source> sources = new ArrayList<>();

	protected StoredTemplateVersion() {
	}

	StoredTemplateVersion(String name, int version, String description, boolean marketing, String priority,
			List<String> variables, List<String> required, List<String> locales, String sample, String createdBy,
			Instant createdAt, List<Source> sources) {
		this.name = name;
		this.version = version;
		this.description = description;
		this.marketing = marketing;
		this.priority = priority;
		this.variables = new ArrayList<>(variables);
		this.required = new ArrayList<>(required);
		this.locales = new ArrayList<>(locales);
		this.sample = sample;
		this.createdBy = createdBy;
		this.createdAt = createdAt;
		this.sources = new ArrayList<>(sources);
	}

	String name() {
		return name;
	}

	int version() {
		return version;
	}

	String description() {
		return description;
	}

	boolean marketing() {
		return marketing;
	}

	String priority() {
		return priority;
	}

	List<String> variables() {
		return variables;
	}

	List<String> required() {
		return required;
	}

	List<String> locales() {
		return locales;
	}

	String sample() {
		return sample;
	}

	String createdBy() {
		return createdBy;
	}

	Instant createdAt() {
		return createdAt;
	}

	List<Source> sources() {
		return sources;
	}

	/** The Thymeleaf sources of one language. */
	@Embeddable
	static class Source {

		@Column(nullable = false)
		private String locale;

		@Column(nullable = false)
		private String subject;

		@Column(nullable = false)
		private String html;

		@Column(name = "plain_text")
		private String plainText;

		protected Source() {
		}

		Source(String locale, String subject, String html, String plainText) {
			this.locale = locale;
			this.subject = subject;
			this.html = html;
			this.plainText = plainText;
		}

		String locale() {
			return locale;
		}

		TemplateSource toSource() {
			return new TemplateSource(subject, html, plainText);
		}

	}

}
