package io.mailroom.template;

import java.time.Instant;

/** One entry of a stored template's history. */
public record TemplateVersionSummary(int version, Instant createdAt, String createdBy, String description) {
}
