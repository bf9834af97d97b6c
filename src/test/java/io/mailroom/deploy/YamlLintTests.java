package io.mailroom.deploy;

import org.junit.jupiter.api.Test;

/**
 * yamllint over every hand-written YAML file of the deployment (the chart's templates are Go
 * templates, not YAML: HelmChartTests lints what they render).
 */
class YamlLintTests {

	@Test
	void deploymentYamlFilesPassYamllint() {
		DeployFiles.check("yamllint", "-s", "-c", "deploy/yamllint.yml", "docker-compose.yml", "deploy",
				".github/workflows", "helm/mailroom/values.yaml", "helm/mailroom/Chart.yaml",
				"helm/mailroom/alerts");
	}

}
