package io.mailroom.template;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The head of a stored template: which version is current (null after a DELETE). */
@Entity
@Table(name = "mail_template")
class StoredTemplate {

	@Id
	private String name;

	@Column(name = "current_version")
	private Integer currentVersion;

	@Column(name = "updated_at", nullable = false)
	private Instant updatedAt;

	protected StoredTemplate() {
	}

	String name() {
		return name;
	}

	Integer currentVersion() {
		return currentVersion;
	}

	Instant updatedAt() {
		return updatedAt;
	}

	void point(Integer version, Instant at) {
		this.currentVersion = version;
		this.updatedAt = at;
	}

}
