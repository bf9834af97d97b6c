package io.mailroom.template;

import java.time.Instant;
import java.util.Optional;

import jakarta.persistence.LockModeType;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

interface StoredTemplates extends JpaRepository<StoredTemplate, String> {

	/** Creates the head row if missing; concurrent callers do not fail, one of them inserts. */
	@Modifying
	@Query(value = "insert into mail_template (name, updated_at) values (:name, :now) on conflict (name) do nothing",
			nativeQuery = true)
	void createIfAbsent(String name, Instant now);

	/** The head row, locked: versions of one template are numbered one writer at a time. */
	@Lock(LockModeType.PESSIMISTIC_WRITE)
	@Query("select t from StoredTemplate t where t.name = :name")
	Optional<StoredTemplate> lock(String name);

}
