package io.mailroom.deploy;

import static io.mailroom.deploy.DeployFiles.DASHBOARD;
import static io.mailroom.deploy.DeployFiles.KNOWN_METRICS;
import static io.mailroom.deploy.DeployFiles.MAILROOM_METRICS;
import static io.mailroom.deploy.DeployFiles.ROOT;
import static io.mailroom.deploy.DeployFiles.at;
import static io.mailroom.deploy.DeployFiles.list;
import static io.mailroom.deploy.DeployFiles.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** The overview dashboard under deploy/grafana and the provisioning that loads it. */
class GrafanaDashboardTests {

	private final Map<String, Object> dashboard = DeployFiles.json(DASHBOARD);

	@Test
	void offersAPrometheusDatasourceVariableDefaultingToTheProvisionedDatasource() {
		Map<String, Object> variable = variable("datasource");
		Map<String, Object> provisioned = map(
				list(DeployFiles.yaml(ROOT.resolve("deploy/grafana/provisioning/datasources/prometheus.yml"))
					.get("datasources")).get(0));

		assertThat(variable).containsEntry("type", "datasource").containsEntry("query", "prometheus");
		assertThat(at(variable, "current", "value")).isEqualTo(provisioned.get("uid")).isEqualTo("prometheus");
		assertThat(provisioned).containsEntry("type", "prometheus");
	}

	@Test
	void everyPanelQueriesPrometheusThroughTheDatasourceVariable() {
		assertThat(dataPanels()).hasSizeGreaterThanOrEqualTo(20).allSatisfy(panel -> {
			assertThat(panel.get("datasource")).as("datasource of %s", panel.get("title"))
				.isEqualTo(Map.of("type", "prometheus", "uid", "${datasource}"));
			assertThat(list(panel.get("targets"))).as("targets of %s", panel.get("title"))
				.isNotEmpty()
				.allSatisfy(target -> {
					assertThat((String) map(target).get("expr")).isNotBlank();
					assertThat(map(target).get("datasource")).isEqualTo(panel.get("datasource"));
				});
		});
	}

	@Test
	void queriesSelectOnlyMetricsThatMailroomOrSpringBootExpose() {
		Map<String, Set<String>> unknown = new LinkedHashMap<>();
		for (Map<String, Object> panel : dataPanels()) {
			for (String expr : expressions(panel)) {
				Set<String> names = new TreeSet<>(DeployFiles.metricNames(expr));
				assertThat(names).as("metrics in %s", expr).isNotEmpty();
				names.removeAll(KNOWN_METRICS);
				if (!names.isEmpty()) {
					unknown.put(panel.get("title") + ": " + expr, names);
				}
			}
		}
		assertThat(unknown).isEmpty();
	}

	@Test
	void showsEveryMailroomMeterAndTheJvmHttpAndConnectionPoolOnes() {
		Set<String> used = new HashSet<>();
		dataPanels().forEach(panel -> expressions(panel).forEach(expr -> used.addAll(DeployFiles.metricNames(expr))));

		assertThat(used).containsAll(MAILROOM_METRICS)
			.contains("http_server_requests_seconds_count", "jvm_memory_used_bytes", "jvm_gc_pause_seconds_sum",
					"hikaricp_connections_active", "hikaricp_connections_pending");
	}

	@Test
	void everyQueryFiltersByTheInstanceVariable() {
		Map<String, Object> instance = variable("instance");
		assertThat(instance).containsEntry("includeAll", true).containsEntry("allValue", ".*");

		for (Map<String, Object> panel : dataPanels()) {
			for (String expr : expressions(panel)) {
				for (String metric : DeployFiles.metricNames(expr)) {
					Matcher selector = Pattern.compile("\\b" + metric + "(?![\\w:])(\\{[^}]*})?").matcher(expr);
					while (selector.find()) {
						assertThat(selector.group(1)).as("selector of %s in %s", metric, expr)
							.contains("instance=~\"$instance\"");
					}
				}
			}
		}
	}

	@Test
	void everyExpressionParsesAsPromQl(@TempDir Path tmp) throws IOException {
		List<Map<String, Object>> rules = new ArrayList<>();
		for (Map<String, Object> panel : dataPanels()) {
			for (String expr : expressions(panel)) {
				rules.add(Map.of("record", "dashboard:expr_" + rules.size(), "expr", asGrafanaSendsIt(expr)));
			}
		}
		Path file = tmp.resolve("dashboard-rules.yml");
		Files.writeString(file, new Yaml().dump(Map.of("groups", List.of(Map.of("name", "dashboard", "rules", rules)))));

		assertThat(DeployFiles.check("promtool", "check", "rules", file.toString()))
			.contains("SUCCESS: " + rules.size() + " rules found");
	}

	@Test
	void panelsHaveUniqueIdsAndDoNotOverlapOnTheGrid() {
		List<Map<String, Object>> panels = list(dashboard.get("panels")).stream().map(DeployFiles::map).toList();
		assertThat(panels).extracting(panel -> panel.get("id")).doesNotHaveDuplicates();

		Set<String> occupied = new HashSet<>();
		for (Map<String, Object> panel : panels) {
			Map<String, Object> grid = map(panel.get("gridPos"));
			int x = (Integer) grid.get("x");
			int y = (Integer) grid.get("y");
			int w = (Integer) grid.get("w");
			int h = (Integer) grid.get("h");
			assertThat(x + w).as("right edge of %s", panel.get("title")).isLessThanOrEqualTo(24);
			for (int row = y; row < y + h; row++) {
				for (int column = x; column < x + w; column++) {
					assertThat(occupied.add(column + "," + row)).as("%s overlaps another panel", panel.get("title"))
						.isTrue();
				}
			}
		}
	}

	@Test
	void composeProvisionsTheDashboardFolderThatTheProviderReads() {
		Map<String, Object> provider = map(
				list(DeployFiles.yaml(ROOT.resolve("deploy/grafana/provisioning/dashboards/mailroom.yml"))
					.get("providers")).get(0));
		String providerPath = (String) at(provider, "options", "path");
		List<Object> grafanaVolumes = list(at(DeployFiles.yaml(ROOT.resolve("docker-compose.yml")), "services",
				"grafana", "volumes"));

		assertThat(grafanaVolumes).contains("./deploy/grafana/dashboards:" + providerPath + ":ro",
				"./deploy/grafana/provisioning:/etc/grafana/provisioning:ro");
		assertThat(dashboard).containsEntry("uid", "mailroom-overview");
	}

	private Map<String, Object> variable(String name) {
		return list(at(dashboard, "templating", "list")).stream()
			.map(DeployFiles::map)
			.filter(variable -> name.equals(variable.get("name")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no dashboard variable " + name));
	}

	/** Every panel but the row headers, including panels inside collapsed rows. */
	private List<Map<String, Object>> dataPanels() {
		List<Map<String, Object>> panels = new ArrayList<>();
		for (Object item : list(dashboard.get("panels"))) {
			Map<String, Object> panel = map(item);
			if ("row".equals(panel.get("type"))) {
				list(panel.getOrDefault("panels", List.of())).forEach(inner -> panels.add(map(inner)));
			}
			else {
				panels.add(panel);
			}
		}
		return panels;
	}

	private static List<String> expressions(Map<String, Object> panel) {
		return list(panel.get("targets")).stream().map(target -> (String) map(target).get("expr")).toList();
	}

	/** Grafana replaces its variables before the query reaches Prometheus. */
	private static String asGrafanaSendsIt(String expr) {
		return expr.replace("$__rate_interval", "1m").replace("$__range", "1h").replace("$instance", ".*");
	}

}
