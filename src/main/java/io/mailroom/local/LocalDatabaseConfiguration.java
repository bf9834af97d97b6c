package io.mailroom.local;

import java.io.IOException;
import java.nio.file.Files;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Starts an embedded PostgreSQL when {@code spring.datasource.url} is not set, with a data
 * directory that survives restarts, so that {@code mvn spring-boot:run} needs nothing installed.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "io.zonky.test.db.postgres.embedded.EmbeddedPostgres")
@Conditional(DatasourceUrlMissingCondition.class)
@ConditionalOnProperty(name = "mailroom.local.embedded-database", havingValue = "true", matchIfMissing = true)
class LocalDatabaseConfiguration {

	private static final Logger log = LoggerFactory.getLogger(LocalDatabaseConfiguration.class);

	@Bean(destroyMethod = "close")
	EmbeddedPostgres embeddedPostgres(LocalProperties local) throws IOException {
		Files.createDirectories(local.dataDirectory());
		EmbeddedPostgres postgres = EmbeddedPostgres.builder()
			.setDataDirectory(local.dataDirectory())
			.setCleanDataDirectory(false)
			.setPort(local.databasePort())
			.start();
		log.info("Embedded PostgreSQL on port {} with data in {}", postgres.getPort(),
				local.dataDirectory().toAbsolutePath());
		return postgres;
	}

	/** Bound to {@code spring.datasource.hikari.*} as Spring Boot's own pool is (application.yml sets some). */
	@Bean
	@ConfigurationProperties("spring.datasource.hikari")
	DataSource dataSource(EmbeddedPostgres postgres) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
		dataSource.setUsername("postgres");
		dataSource.setPoolName("mailroom");
		dataSource.setMaximumPoolSize(10);
		return dataSource;
	}

}
