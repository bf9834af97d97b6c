package io.mailroom.deploy;

import static io.mailroom.deploy.DeployFiles.ALERTS;
import static io.mailroom.deploy.DeployFiles.KNOWN_METRICS;
import static io.mailroom.deploy.DeployFiles.at;
import static io.mailroom.deploy.DeployFiles.list;
import static io.mailroom.deploy.DeployFiles.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The alert rules and scrape configuration under deploy/prometheus, checked with Prometheus's promtool. */
class PrometheusRulesTests {

	@Test
	void alertRulesPassPromtoolCheck() {
		assertThat(DeployFiles.check("promtool", "check", "rules", "deploy/prometheus/alerts.yml"))
			.contains("SUCCESS: " + alerts().size() + " rules found");
	}

	@Test
	void alertsFireAndStayQuietAsTheirUnitTestsExpect() {
		// alerts.test.yml feeds synthetic series through every rule: stuck queue, bounce and
		// complaint rates, failing webhooks, an instance down, and the quiet cases next to them.
		assertThat(DeployFiles.check("promtool", "test", "rules", "deploy/prometheus/alerts.test.yml"))
			.contains("SUCCESS");
	}

	@Test
	void everyAlertOfTheIssueExistsWithSeverityAndExplanation() {
		assertThat(alerts()).extracting(rule -> rule.get("alert"))
			.contains("MailroomQueueOldestMessageTooOld", "MailroomBounceRateHigh", "MailroomWebhookEndpointFailing",
					"MailroomNoDeliveriesWhileQueueGrows");
		assertThat(alerts()).allSatisfy(rule -> {
			assertThat(at(rule, "labels", "severity")).as("%s", rule.get("alert")).isIn("warning", "critical");
			assertThat(map(rule.get("annotations"))).as("%s", rule.get("alert")).containsKeys("summary", "description");
			assertThat((String) rule.get("for")).as("%s waits before firing", rule.get("alert")).isNotBlank();
		});
	}

	@Test
	void alertsSelectOnlyMetricsThatMailroomOrPrometheusExpose() {
		assertThat(alerts()).allSatisfy(rule -> assertThat(DeployFiles.metricNames((String) rule.get("expr")))
			.as("%s", rule.get("expr"))
			.isNotEmpty()
			.isSubsetOf(KNOWN_METRICS));
	}

	@Test
	void theScrapeConfigurationIsValidAndScrapesActuatorPrometheusAsJobMailroom() {
		DeployFiles.check("promtool", "check", "config", "deploy/prometheus/prometheus.yml");

		Map<String, Object> config = DeployFiles.yaml(DeployFiles.ROOT.resolve("deploy/prometheus/prometheus.yml"));
		Map<String, Object> job = list(config.get("scrape_configs")).stream()
			.map(DeployFiles::map)
			.filter(scrape -> "mailroom".equals(scrape.get("job_name")))
			.findFirst()
			.orElseThrow();
		assertThat(job).containsEntry("metrics_path", "/actuator/prometheus");
		assertThat(list(map(list(job.get("static_configs")).get(0)).get("targets"))).containsExactly("mailroom:8080");
		assertThat(list(config.get("rule_files"))).containsExactly("alerts.yml");
	}

	private static List<Map<String, Object>> alerts() {
		return list(DeployFiles.yaml(ALERTS).get("groups")).stream()
			.flatMap(group -> list(map(group).get("rules")).stream())
			.map(DeployFiles::map)
			.toList();
	}

}
