package io.mailroom.deploy;

import static io.mailroom.deploy.DeployFiles.CHART;
import static io.mailroom.deploy.DeployFiles.ROOT;
import static io.mailroom.deploy.DeployFiles.at;
import static io.mailroom.deploy.DeployFiles.list;
import static io.mailroom.deploy.DeployFiles.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart, linted and rendered by Helm's own code (helm-java runs Helm's Go library
 * in-process), with the rendered manifests checked for the shape a production install needs.
 */
class HelmChartTests {

	private static final String RELEASE = "mail";

	private static final String NAMESPACE = "mail";

	private static final String FULLNAME = "mail-mailroom";

	/** Helm-java defaults to v1.20, older than the chart supports; a current release instead. */
	private static final String KUBERNETES = "v1.31.0";

	@Test
	void lintPassesInStrictMode() {
		LintResult result = new Helm(CHART).lint().strict().call();

		assertThat(result.isFailed()).as("%s", result.getMessages()).isFalse();
		assertThat(result.getMessages()).noneMatch(message -> message.contains("[WARNING]")
				|| message.contains("[ERROR]"));
	}

	@Test
	void defaultInstallRunsTwoReplicasProbedOnTheActuatorHealthGroups() {
		Map<String, Object> deployment = render().kind("Deployment");
		Map<String, Object> container = mailroomContainer(deployment);

		assertThat(at(deployment, "spec", "replicas")).isEqualTo(2);
		assertThat(at(container, "livenessProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
		assertThat(at(container, "startupProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
		assertThat(at(container, "readinessProbe", "httpGet", "path")).isEqualTo("/actuator/health/readiness");
		assertThat(at(container, "image")).isEqualTo("mailroom:0.1.0");
		assertThat(map(at(container, "resources", "requests"))).containsKeys("cpu", "memory");
		assertThat(map(at(container, "resources", "limits"))).containsKey("memory");
		assertThat(at(deployment, "spec", "strategy", "rollingUpdate", "maxUnavailable")).isEqualTo(0);
	}

	@Test
	void podsRunAsNonRootOnAReadOnlyRootFilesystemWithAWritableTmp() {
		Map<String, Object> deployment = render().kind("Deployment");
		Map<String, Object> pod = map(at(deployment, "spec", "template", "spec"));
		Map<String, Object> container = mailroomContainer(deployment);

		assertThat(at(pod, "securityContext", "runAsNonRoot")).isEqualTo(true);
		assertThat((Integer) at(pod, "securityContext", "runAsUser")).isPositive();
		assertThat(at(container, "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
		assertThat(at(container, "securityContext", "allowPrivilegeEscalation")).isEqualTo(false);
		assertThat(list(at(container, "securityContext", "capabilities", "drop"))).containsExactly("ALL");
		assertThat(list(at(container, "volumeMounts"))).singleElement()
			.satisfies(mount -> assertThat(map(mount)).containsEntry("name", "tmp").containsEntry("mountPath", "/tmp"));
		assertThat(list(pod.get("volumes"))).singleElement()
			.satisfies(volume -> assertThat(map(volume)).containsEntry("name", "tmp").containsKey("emptyDir"));
	}

	@Test
	void settingsGoToTheConfigMapAndCredentialsToTheChartsSecret() {
		Rendered rendered = render(template -> template.set("relay.host", "smtp.example.org")
			.set("relay.username", "relay-user")
			.set("relay.password", "relay-secret")
			.set("database.password", "db-secret")
			.set("apiKey", "key-1")
			.set("bounce.domain", "bounces.example.org"));
		Map<String, Object> config = map(rendered.named("ConfigMap", FULLNAME).get("data"));
		Map<String, Object> secret = map(rendered.named("Secret", FULLNAME).get("stringData"));
		Map<String, Object> container = mailroomContainer(rendered.kind("Deployment"));

		assertThat(config).containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://postgresql:5432/mailroom")
			.containsEntry("MAILROOM_RELAY_MODE", "smarthost")
			.containsEntry("MAILROOM_RELAY_HOST", "smtp.example.org")
			.containsEntry("MAILROOM_RELAY_PORT", "587")
			.containsEntry("MAILROOM_RELAY_TLS", "starttls-required")
			.containsEntry("MAILROOM_BOUNCE_DOMAIN", "bounces.example.org")
			.containsEntry("MAILROOM_WEBHOOK_ALLOW_PRIVATE_TARGETS", "false")
			.doesNotContainKeys("SPRING_DATASOURCE_PASSWORD", "MAILROOM_API_KEY", "MAILROOM_RELAY_PASSWORD");
		assertThat(secret).containsEntry("SPRING_DATASOURCE_USERNAME", "mailroom")
			.containsEntry("SPRING_DATASOURCE_PASSWORD", "db-secret")
			.containsEntry("MAILROOM_API_KEY", "key-1")
			.containsEntry("MAILROOM_RELAY_USERNAME", "relay-user")
			.containsEntry("MAILROOM_RELAY_PASSWORD", "relay-secret");
		assertThat(list(container.get("envFrom"))).extracting(source -> map(source).keySet().iterator().next())
			.containsExactly("configMapRef", "secretRef");
	}

	@Test
	void withoutAnApiKeyTheSecretLeavesItOutRatherThanSettingAnEmptyOne() {
		Map<String, Object> secret = map(render().named("Secret", FULLNAME).get("stringData"));

		// An empty MAILROOM_API_KEY would count as set; absent, mailroom refuses to start and says why.
		assertThat(secret).doesNotContainKeys("MAILROOM_API_KEY", "MAILROOM_RELAY_USERNAME", "MAILROOM_RELAY_PASSWORD");
	}

	@Test
	void anExistingSecretReplacesTheChartsSecret() {
		Rendered rendered = render(template -> template.set("existingSecret", "mail-credentials"));
		Map<String, Object> container = mailroomContainer(rendered.kind("Deployment"));

		assertThat(rendered.kinds()).doesNotContain("Secret");
		assertThat(list(container.get("envFrom"))).contains(Map.of("secretRef", Map.of("name", "mail-credentials")));
		assertThat(map(at(rendered.kind("Deployment"), "spec", "template", "metadata", "annotations")))
			.containsKey("checksum/config")
			.doesNotContainKey("checksum/secret");
	}

	@Test
	void withAutoscalingTheHorizontalPodAutoscalerOwnsTheReplicaCount() {
		Rendered rendered = render(template -> template.set("autoscaling.enabled", true));

		assertThat(map(at(rendered.kind("Deployment"), "spec"))).doesNotContainKey("replicas");
		Map<String, Object> hpa = rendered.kind("HorizontalPodAutoscaler");
		assertThat(hpa.get("apiVersion")).isEqualTo("autoscaling/v2");
		assertThat(at(hpa, "spec", "minReplicas")).isEqualTo(2);
		assertThat(at(hpa, "spec", "scaleTargetRef", "name")).isEqualTo(FULLNAME);
		assertThat(rendered.kinds()).contains("PodDisruptionBudget");
	}

	@Test
	void aDisruptionBudgetGuardsSeveralReplicasButNeverBlocksDrainingASingleOne() {
		Map<String, Object> pdb = render().kind("PodDisruptionBudget");
		assertThat(at(pdb, "spec", "maxUnavailable")).isEqualTo(1);
		assertThat(at(pdb, "spec", "selector", "matchLabels")).isEqualTo(
				at(render().kind("Deployment"), "spec", "selector", "matchLabels"));

		assertThat(render(template -> template.set("replicaCount", 1)).kinds()).doesNotContain("PodDisruptionBudget");
	}

	@Test
	void theServiceMonitorIsOptionalAndScrapesActuatorPrometheusAsJobMailroom() {
		assertThat(render().kinds()).doesNotContain("ServiceMonitor", "PrometheusRule");

		Rendered rendered = render(template -> template.set("metrics.serviceMonitor.enabled", true)
			.set("metrics.serviceMonitor.labels.release", "kube-prometheus-stack"));
		Map<String, Object> monitor = rendered.kind("ServiceMonitor");
		Map<String, Object> service = rendered.kind("Service");

		assertThat(list(at(monitor, "spec", "endpoints"))).singleElement()
			.satisfies(endpoint -> assertThat(map(endpoint)).containsEntry("port", "http")
				.containsEntry("path", "/actuator/prometheus"));
		assertThat(map(at(monitor, "metadata", "labels"))).containsEntry("release", "kube-prometheus-stack");
		// Prometheus Operator takes the job label from this Service label: job="mailroom".
		String jobLabel = (String) at(monitor, "spec", "jobLabel");
		assertThat(map(at(service, "metadata", "labels"))).containsEntry(jobLabel, "mailroom");
		assertThat(map(at(service, "spec", "selector"))).isEqualTo(at(monitor, "spec", "selector", "matchLabels"));
	}

	@Test
	void thePrometheusRuleCarriesTheAlertRulesOfDeployPrometheus() {
		Map<String, Object> rule = render(template -> template.set("metrics.prometheusRule.enabled", true))
			.kind("PrometheusRule");

		assertThat(rule.get("spec")).isEqualTo(DeployFiles.yaml(DeployFiles.ALERTS));
	}

	@Test
	void theDashboardConfigMapCarriesTheOverviewDashboardForGrafanasSidecar() {
		Map<String, Object> dashboards = render().named("ConfigMap", FULLNAME + "-dashboards");

		assertThat(map(at(dashboards, "metadata", "labels"))).containsEntry("grafana_dashboard", "1");
		assertThat(map(dashboards.get("data"))).containsOnlyKeys("mailroom-overview.json")
			.containsEntry("mailroom-overview.json", DeployFiles.read(DeployFiles.DASHBOARD));
		assertThat(render(template -> template.set("grafana.dashboard.enabled", false)).names("ConfigMap"))
			.containsExactly(FULLNAME);
	}

	@Test
	void theChartsCopiesOfTheDashboardAndAlertRulesMatchTheOnesUnderDeploy() throws IOException {
		// Helm can only read files inside the chart, so it keeps copies; deploy/ is the source.
		try (var copies = Files.list(CHART.resolve("dashboards"))) {
			assertThat(copies.map(path -> path.getFileName().toString()).collect(Collectors.toSet()))
				.isEqualTo(fileNames(ROOT.resolve("deploy/grafana/dashboards")));
		}
		for (String name : fileNames(ROOT.resolve("deploy/grafana/dashboards"))) {
			assertThat(CHART.resolve("dashboards").resolve(name))
				.as("helm/mailroom/dashboards/%s is a copy of deploy/grafana/dashboards/%s", name, name)
				.hasSameTextualContentAs(ROOT.resolve("deploy/grafana/dashboards").resolve(name));
		}
		assertThat(CHART.resolve("alerts/alerts.yml")).as("helm/mailroom/alerts/alerts.yml is a copy")
			.hasSameTextualContentAs(DeployFiles.ALERTS);
	}

	@Test
	void theValuesSchemaRejectsAnUnknownTlsModeAndMisspelledKeys() {
		assertThatThrownBy(() -> render(template -> template.set("relay.tls", "starttls")))
			.hasMessageContaining("/relay/tls");
		assertThatThrownBy(() -> render(template -> template.set("replicas", 3)))
			.hasMessageContaining("replicas");
		assertThatThrownBy(() -> render(template -> template.set("database.url", "postgres://db/mailroom")))
			.hasMessageContaining("/database/url");
	}

	@Test
	void everyFeatureRenderedTogetherPassesYamllint(@TempDir Path tmp) throws IOException {
		String manifests = new Helm(CHART).template()
			.withName(RELEASE)
			.withNamespace(NAMESPACE)
			.withKubeVersion(KUBERNETES)
			.set("autoscaling.enabled", true)
			.set("metrics.serviceMonitor.enabled", true)
			.set("metrics.prometheusRule.enabled", true)
			.set("serviceAccount.annotations.team", "mail")
			.set("extraEnv.MAILROOM_DELIVERY_RETRY_MAX_AGE", "24h")
			.call();
		Path file = tmp.resolve("manifests.yaml");
		Files.writeString(file, manifests);

		assertThat(DeployFiles.yamlDocuments(manifests)).extracting(document -> document.get("kind"))
			.contains("Deployment", "Service", "ConfigMap", "Secret", "ServiceAccount", "HorizontalPodAutoscaler",
					"PodDisruptionBudget", "ServiceMonitor", "PrometheusRule");
		// Helm's toYaml indents lists flush with their key, which yamllint's default style flags.
		DeployFiles.check("yamllint", "-s", "-d",
				// The dashboard JSON in its ConfigMap has long lines of its own.
				"{extends: deploy/yamllint.yml, rules: {indentation: {indent-sequences: whatever}, "
						+ "line-length: disable}}",
				file.toString());
	}

	private static Set<String> fileNames(Path directory) throws IOException {
		try (var files = Files.list(directory)) {
			return files.map(path -> path.getFileName().toString()).collect(Collectors.toSet());
		}
	}

	private static Map<String, Object> mailroomContainer(Map<String, Object> deployment) {
		return list(at(deployment, "spec", "template", "spec", "containers")).stream()
			.map(DeployFiles::map)
			.filter(container -> "mailroom".equals(container.get("name")))
			.findFirst()
			.orElseThrow();
	}

	private static Rendered render() {
		return render(UnaryOperator.identity());
	}

	private static Rendered render(UnaryOperator<TemplateCommand> values) {
		TemplateCommand template = new Helm(CHART).template()
			.withName(RELEASE)
			.withNamespace(NAMESPACE)
			.withKubeVersion(KUBERNETES);
		String manifests = values.apply(template).call();
		return new Rendered(DeployFiles.yamlDocuments(manifests));
	}

	/** The manifests of one `helm template` run. */
	private record Rendered(List<Map<String, Object>> documents) {

		List<String> kinds() {
			return documents.stream().map(document -> (String) document.get("kind")).toList();
		}

		List<String> names(String kind) {
			return documents.stream()
				.filter(document -> kind.equals(document.get("kind")))
				.map(document -> (String) at(document, "metadata", "name"))
				.toList();
		}

		Map<String, Object> kind(String kind) {
			List<Map<String, Object>> matching = documents.stream()
				.filter(document -> kind.equals(document.get("kind")))
				.toList();
			assertThat(matching).as("rendered %s", kind).hasSize(1);
			return matching.get(0);
		}

		Map<String, Object> named(String kind, String name) {
			return documents.stream()
				.filter(document -> kind.equals(document.get("kind")) && name.equals(at(document, "metadata", "name")))
				.findFirst()
				.orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " in " + kinds()));
		}

	}

}
