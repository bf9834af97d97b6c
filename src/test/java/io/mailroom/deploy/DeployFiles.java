package io.mailroom.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reading the deployment files (compose, Prometheus, Grafana, Helm) from the working tree, and
 * running the command-line checkers that .ci/install-test-tools installs.
 */
final class DeployFiles {

	/** Maven runs the tests in the project's base directory. */
	static final Path ROOT = Path.of("").toAbsolutePath();

	static final Path DASHBOARD = ROOT.resolve("deploy/grafana/dashboards/mailroom-overview.json");

	static final Path ALERTS = ROOT.resolve("deploy/prometheus/alerts.yml");

	static final Path CHART = ROOT.resolve("helm/mailroom");

	/** The meters of SPEC §5 as the Prometheus registry exposes them. */
	static final Set<String> MAILROOM_METRICS = Set.of("mailroom_messages_accepted_total",
			"mailroom_deliveries_total", "mailroom_delivery_latency_seconds_bucket",
			"mailroom_smtp_transaction_seconds_bucket", "mailroom_queue_depth", "mailroom_queue_oldest_age_seconds",
			"mailroom_webhook_deliveries_total", "mailroom_bounces_total", "mailroom_webhook_lag_seconds");

	/** Every series a dashboard or alert may select: ours, Spring Boot's defaults, and Prometheus's own. */
	static final Set<String> KNOWN_METRICS = knownMetrics();

	private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*");

	private static final Set<String> PROMQL_KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by",
			"without", "on", "ignoring", "group_left", "group_right", "inf", "nan", "atan2");

	private DeployFiles() {
	}

	private static Set<String> knownMetrics() {
		Set<String> known = new TreeSet<>(MAILROOM_METRICS);
		for (String timer : List.of("mailroom_delivery_latency_seconds", "mailroom_smtp_transaction_seconds",
				"http_server_requests_seconds", "jvm_gc_pause_seconds")) {
			known.addAll(List.of(timer + "_bucket", timer + "_count", timer + "_sum", timer + "_max"));
		}
		known.addAll(List.of("hikaricp_connections_active", "hikaricp_connections_idle",
				"hikaricp_connections_pending", "hikaricp_connections_max", "jvm_memory_used_bytes",
				"jvm_memory_committed_bytes", "jvm_memory_max_bytes", "up"));
		return Set.copyOf(known);
	}

	static String read(Path path) {
		try {
			return Files.readString(path, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> yaml(Path path) {
		return (Map<String, Object>) new Yaml().load(read(path));
	}

	/** All documents of a multi-document stream such as `helm template` output; empty ones dropped. */
	@SuppressWarnings("unchecked")
	static List<Map<String, Object>> yamlDocuments(String text) {
		List<Map<String, Object>> documents = new ArrayList<>();
		for (Object document : new Yaml(new LoaderOptions()).loadAll(text)) {
			if (document != null) {
				documents.add((Map<String, Object>) document);
			}
		}
		return documents;
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> json(Path path) {
		return JsonMapper.builder().build().readValue(read(path), Map.class);
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> map(Object value) {
		assertThat(value).isInstanceOf(Map.class);
		return (Map<String, Object>) value;
	}

	@SuppressWarnings("unchecked")
	static List<Object> list(Object value) {
		assertThat(value).isInstanceOf(List.class);
		return (List<Object>) value;
	}

	/** Follows a path of map keys, e.g. {@code at(deployment, "spec", "template", "spec")}. */
	static Object at(Object root, String... keys) {
		Object current = root;
		for (String key : keys) {
			assertThat(current).as("parent of '%s'", key).isInstanceOf(Map.class);
			current = ((Map<?, ?>) current).get(key);
		}
		return current;
	}

	/**
	 * The series names a PromQL expression selects: identifiers that are not functions, aggregation
	 * operators, keywords, label names or label values.
	 */
	static Set<String> metricNames(String expr) {
		String stripped = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
			.replaceAll("\\{[^}]*}", "{}")
			.replaceAll("\\[[^]]*]", "[]")
			.replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
		Set<String> names = new TreeSet<>();
		Matcher matcher = IDENTIFIER.matcher(stripped);
		while (matcher.find()) {
			String name = matcher.group();
			boolean isCall = stripped.substring(matcher.end()).matches("(?s)\\s*\\(.*");
			if (!isCall && !PROMQL_KEYWORDS.contains(name.toLowerCase())) {
				names.add(name);
			}
		}
		return names;
	}

	/** The output of a finished external program. */
	record Run(int exitCode, String output) {
	}

	/**
	 * Runs a checker such as promtool or yamllint. They come from Debian packages that
	 * .ci/install-test-tools installs; a missing one fails the test with that hint.
	 */
	static Run run(String... command) {
		try {
			Process process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
			process.getOutputStream().close();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(2, TimeUnit.MINUTES)) {
				process.destroyForcibly();
				fail("%s did not finish within 2 minutes", String.join(" ", command));
			}
			return new Run(process.exitValue(), output);
		}
		catch (IOException ex) {
			throw new AssertionError(command[0] + " cannot run (run .ci/install-test-tools to install it): "
					+ ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	/** Runs a checker and asserts that it succeeded, showing its output otherwise. */
	static String check(String... command) {
		Run run = run(command);
		assertThat(run.exitCode()).as("%s%n%s", String.join(" ", command), run.output()).isZero();
		return run.output();
	}

}
