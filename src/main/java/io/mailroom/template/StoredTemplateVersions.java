package io.mailroom.template;

import java.util.List;
import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface StoredTemplateVersions extends JpaRepository<StoredTemplateVersion, Long> {

	Optional<StoredTemplateVersion> findByNameAndVersion(String name, int version);

	@Query("""
			select new io.mailroom.template.TemplateVersionSummary(v.version, v.createdAt, v.createdBy, v.description)
			from StoredTemplateVersion v where v.name = :name order by v.version desc""")
	List<TemplateVersionSummary> history(String name);

	@Query("""
			select v from StoredTemplateVersion v, StoredTemplate t
			where t.name = v.name and t.currentVersion = v.version order by v.name""")
	List<StoredTemplateVersion> currentVersions();

	@Query("select coalesce(max(v.version), 0) from StoredTemplateVersion v where v.name = :name")
	int latestVersion(String name);

}
