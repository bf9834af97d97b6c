package io.mailroom.local;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The embedded parts used when no database or relay is configured (local runs only; the
 * production image does not contain them).
 *
 * @param dataDirectory where the embedded PostgreSQL keeps its data between runs
 * @param databasePort port of the embedded PostgreSQL, 0 for any free port
 * @param smtpPort port of the SMTP capture server the relay points at
 * @param embeddedDatabase whether to start the embedded PostgreSQL when spring.datasource.url is unset
 * @param captureServer whether to start the capture server when mailroom.relay.host is unset
 */
@ConfigurationProperties("mailroom.local")
public record LocalProperties(@DefaultValue("./data/postgres") Path dataDirectory, @DefaultValue("0") int databasePort,
		@DefaultValue("2525") int smtpPort, @DefaultValue("true") boolean embeddedDatabase,
		@DefaultValue("true") boolean captureServer) {
}
