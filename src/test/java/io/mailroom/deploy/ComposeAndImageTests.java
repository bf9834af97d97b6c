package io.mailroom.deploy;

import static io.mailroom.deploy.DeployFiles.ROOT;
import static io.mailroom.deploy.DeployFiles.at;
import static io.mailroom.deploy.DeployFiles.list;
import static io.mailroom.deploy.DeployFiles.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml and the Dockerfile, read as files: there is no Docker engine here, so
 * building and starting them is left to CI (.github/workflows/ci.yml).
 */
class ComposeAndImageTests {

	private final Map<String, Object> compose = DeployFiles.yaml(ROOT.resolve("docker-compose.yml"));

	private final String dockerfile = DeployFiles.read(ROOT.resolve("Dockerfile"));

	@Test
	void composeRunsMailroomWithPostgresMailpitPrometheusAndGrafana() {
		assertThat(map(compose.get("services"))).containsOnlyKeys("mailroom", "postgres", "mailpit", "prometheus",
				"grafana");
		assertThat(at(compose, "services", "postgres", "image")).isEqualTo("postgres:17");
		assertThat(at(compose, "services", "mailroom", "build")).isEqualTo(".");
	}

	@Test
	void mailroomStartsOnlyOnceItsDatabaseAndRelayAreHealthy() {
		Map<String, Object> dependencies = map(at(compose, "services", "mailroom", "depends_on"));

		assertThat(dependencies).containsOnlyKeys("postgres", "mailpit");
		dependencies.forEach((service, condition) -> {
			assertThat(map(condition)).containsEntry("condition", "service_healthy");
			assertThat(list(at(compose, "services", service, "healthcheck", "test"))).isNotEmpty();
		});
		assertThat(list(at(compose, "services", "postgres", "healthcheck", "test")).toString()).contains("pg_isready");
		// mailroom's own health check is the image's HEALTHCHECK; Grafana waits for Prometheus.
		assertThat(at(compose, "services", "grafana", "depends_on", "prometheus", "condition"))
			.isEqualTo("service_healthy");
	}

	@Test
	void mailroomRelaysToMailpitAndReachesPostgresThroughTheDocumentedVariables() {
		Map<String, Object> environment = map(at(compose, "services", "mailroom", "environment"));

		assertThat(environment).containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://postgres:5432/mailroom")
			.containsEntry("MAILROOM_RELAY_HOST", "mailpit")
			.containsEntry("MAILROOM_RELAY_PORT", "1025")
			.containsEntry("MAILROOM_RELAY_TLS", "none")
			.containsEntry("MAILROOM_RELAY_MODE", "smarthost")
			.containsKeys("SPRING_DATASOURCE_USERNAME", "SPRING_DATASOURCE_PASSWORD", "MAILROOM_API_KEY",
					"MAILROOM_BOUNCE_DOMAIN", "MAILROOM_SENDER_DEFAULT", "MAILROOM_WEBHOOK_ALLOW_PRIVATE_TARGETS");
		assertThat(list(at(compose, "services", "mailpit", "ports"))).contains("8025:8025", "1025:1025");
	}

	@Test
	void everyBindMountOfComposeExistsInTheRepository() {
		map(compose.get("services")).forEach((name, service) -> {
			for (Object volume : list(map(service).getOrDefault("volumes", List.of()))) {
				String source = ((String) volume).split(":")[0];
				if (source.startsWith("./")) {
					assertThat(ROOT.resolve(source)).as("%s mounts %s", name, source).exists();
				}
			}
		});
	}

	@Test
	void theImageIsBuiltWithoutTheEmbeddedDatabaseAndRunsTheLayeredJarAsNonRoot() {
		assertThat(dockerfile).contains("mvn -B -DskipTests -Dproduction package")
			.contains("java -Djarmode=tools -jar target/mailroom-*.jar extract --layers --launcher")
			.contains("ENTRYPOINT [\"java\", \"org.springframework.boot.loader.launch.JarLauncher\"]")
			.contains("-XX:MaxRAMPercentage=75")
			.containsPattern("(?m)^HEALTHCHECK .*\\n\\s+CMD curl -fsS .*/actuator/health/readiness")
			.containsPattern("(?m)^USER 10001:10001$");
		assertThat(stages()).containsExactly("maven:3.9-eclipse-temurin-17 AS build", "eclipse-temurin:17-jre");
		// Spring Boot's default layers, least frequently changing first.
		assertThat(copiedLayers()).containsExactly("dependencies", "spring-boot-loader", "snapshot-dependencies",
				"application");
		// The UID the chart's podSecurityContext expects.
		assertThat(DeployFiles.yaml(DeployFiles.CHART.resolve("values.yaml")))
			.extracting(values -> at(values, "podSecurityContext", "runAsUser"))
			.isEqualTo(10001);
	}

	@Test
	void theBuildContextHoldsOnlyThePomAndTheMainSources() {
		assertThat(DeployFiles.read(ROOT.resolve(".dockerignore")).lines().filter(line -> !line.startsWith("#")))
			.containsExactly("*", "!pom.xml", "!src/", "src/test/");
	}

	@Test
	void noDeploymentFileNamesARegistryHost() {
		// Images are referenced by name only (postgres:17), so whichever registry the Docker or
		// Kubernetes installation is set up with serves them.
		Pattern hostQualified = Pattern.compile("(?m)(?:image:|FROM|repository:)\\s*\"?([\\w.-]+\\.[a-z]{2,}(:\\d+)?/\\S*)");
		for (Path file : List.of(ROOT.resolve("Dockerfile"), ROOT.resolve("docker-compose.yml"),
				ROOT.resolve(".github/workflows/ci.yml"), DeployFiles.CHART.resolve("values.yaml"))) {
			assertThat(hostQualified.matcher(DeployFiles.read(file)).results().map(match -> match.group(1)))
				.as("registry-qualified images in %s", ROOT.relativize(file))
				.isEmpty();
		}
	}

	private List<String> stages() {
		return Pattern.compile("(?m)^FROM (.+)$").matcher(dockerfile).results().map(match -> match.group(1)).toList();
	}

	private List<String> copiedLayers() {
		return Pattern.compile("(?m)^COPY --from=build /build/extracted/([\\w-]+)/ \\./$")
			.matcher(dockerfile)
			.results()
			.map(match -> match.group(1))
			.toList();
	}

}
