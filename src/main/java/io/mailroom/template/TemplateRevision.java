package io.mailroom.template;

import java.time.Instant;

/**
 * A template as the API shows it: the template plus who stored it and when (null for built-ins).
 */
record TemplateRevision(MailTemplate template, String description, Instant createdAt, String createdBy) {
}
