package io.mailroom.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The PostgreSQL server tests run against: a Testcontainers PostgreSQL when Docker is available,
 * otherwise an embedded PostgreSQL 17 (io.zonky). One server per JVM; every Spring context gets a
 * database of its own on it, so contexts never see each other's rows.
 */
public final class TestDatabase {

	private static final AtomicInteger COUNTER = new AtomicInteger();

	private static Server server;

	private TestDatabase() {
	}

	/** Connection data of one database on the shared server. */
	public record Database(String url, String username, String password) {
	}

	private interface Server {

		String url(String database);

		String username();

		String password();

	}

	public static synchronized Database create() {
		Server s = server();
		String name = "mailroom_test_" + COUNTER.incrementAndGet();
		try (Connection c = DriverManager.getConnection(s.url("postgres"), s.username(), s.password());
				Statement st = c.createStatement()) {
			st.execute("create database " + name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not create test database " + name, ex);
		}
		return new Database(s.url(name), s.username(), s.password());
	}

	private static Server server() {
		if (server == null) {
			server = dockerAvailable() ? container() : embedded();
		}
		return server;
	}

	private static boolean dockerAvailable() {
		if (Boolean.getBoolean("mailroom.test.embedded-postgres")) {
			return false;
		}
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (Throwable ex) {
			return false;
		}
	}

	private static Server container() {
		PostgreSQLContainer container = new PostgreSQLContainer("postgres:17-alpine");
		container.start();
		return new Server() {
			@Override
			public String url(String database) {
				return "jdbc:postgresql://" + container.getHost() + ":" + container.getMappedPort(5432) + "/" + database;
			}

			@Override
			public String username() {
				return container.getUsername();
			}

			@Override
			public String password() {
				return container.getPassword();
			}
		};
	}

	private static Server embedded() {
		try {
			EmbeddedPostgres postgres = EmbeddedPostgres.builder().setPort(0).start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				try {
					postgres.close();
				}
				catch (IOException ignored) {
					// the JVM is exiting
				}
			}));
			return new Server() {
				@Override
				public String url(String database) {
					return postgres.getJdbcUrl("postgres", database);
				}

				@Override
				public String username() {
					return "postgres";
				}

				@Override
				public String password() {
					return "";
				}
			};
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start embedded PostgreSQL", ex);
		}
	}

}
