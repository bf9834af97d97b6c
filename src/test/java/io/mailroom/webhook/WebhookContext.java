package io.mailroom.webhook;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.mailroom.support.MailroomTest;

import org.springframework.test.context.TestPropertySource;

/**
 * The whole application with webhook dispatch on, private targets allowed (receivers listen on
 * 127.0.0.1) and a short poll, so retries made due by moving the clock go out promptly. Classes
 * with this annotation share one application context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@MailroomTest
// A generous render budget: these tests are about webhooks, and the first renderings in a fresh
// JVM on a busy CI machine can exceed the 2 s default.
@TestPropertySource(properties = { "mailroom.webhook.allow-private-targets=true",
		"mailroom.webhook.poll-interval=100ms", "mailroom.templates.render-timeout=30s" })
@interface WebhookContext {

}
