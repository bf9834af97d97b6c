package io.mailroom.support;

import java.util.Map;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/** Points a test context at a fresh database of {@link TestDatabase}'s server. */
public class TestDatabaseInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		TestDatabase.Database db = TestDatabase.create();
		context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("testDatabase", Map.of("spring.datasource.url", db.url(),
					"spring.datasource.username", db.username(), "spring.datasource.password", db.password())));
	}

}
