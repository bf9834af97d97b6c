package io.mailroom.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ContextConfiguration;

/**
 * A whole-application test on a real PostgreSQL (a fresh database per context) and a real HTTP
 * port. Delivery is off unless a test turns it on and points the relay at its own SMTP server.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "mailroom.api-key=" + MailroomTest.API_KEY, "mailroom.delivery.enabled=false",
				"mailroom.relay.host=127.0.0.1", "mailroom.relay.port=9", "mailroom.relay.tls=none",
				"mailroom.local.capture-server=false", "mailroom.bounce.domain=bounces.mailroom.test",
				"mailroom.delivery.poll-interval=200ms", "mailroom.templates.render-timeout=30s",
				"mailroom.rate-limit.enabled=false" })
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
@Import(TestClockConfiguration.class)
public @interface MailroomTest {

	String API_KEY = "test-api-key-0123456789";

}
