package io.mailroom.message;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.mailroom.web.FieldProblem;
import io.mailroom.web.ProblemException;

/**
 * What {@code GET /messages} asks for: filters (all must match), page size and position.
 *
 * @param status messages with at least one recipient in this status
 * @param recipient messages with a recipient at this address (case-insensitive)
 * @param tags messages carrying all of these tags
 * @param metadata messages whose metadata has all of these key/value pairs
 * @param since created at or after (inclusive)
 * @param until created before (exclusive)
 * @param cursor the position after which the page starts, or null for the newest
 */
record MessageFilter(RecipientStatus status, String recipient, String template, List<String> tags,
		Map<String, String> metadata, Instant since, Instant until, int limit, PageCursor cursor) {

	static final int DEFAULT_LIMIT = 20;

	static final int MAX_LIMIT = 100;

	static final String METADATA_PREFIX = "metadata.";

	private static final Set<String> SINGLE = Set.of("status", "recipient", "template", "since", "until", "limit",
			"cursor");

	/** Reads the query parameters; unknown ones are refused, so that a misspelt filter does not silently match everything. */
	static MessageFilter parse(Map<String, String[]> parameters) {
		List<FieldProblem> errors = new ArrayList<>();
		Map<String, String> metadata = new LinkedHashMap<>();
		List<String> tags = new ArrayList<>();
		for (Map.Entry<String, String[]> p : parameters.entrySet()) {
			String name = p.getKey();
			if (name.equals("tag")) {
				tags.addAll(List.of(p.getValue()));
			}
			else if (name.startsWith(METADATA_PREFIX) && name.length() > METADATA_PREFIX.length()) {
				if (p.getValue().length > 1) {
					errors.add(new FieldProblem(name, "may be given once"));
				}
				metadata.put(name.substring(METADATA_PREFIX.length()), p.getValue()[0]);
			}
			else if (!SINGLE.contains(name)) {
				errors.add(new FieldProblem(name, "is not a filter (status, recipient, tag, template, since, until, "
						+ "metadata.<key>, limit, cursor)"));
			}
			else if (p.getValue().length > 1) {
				errors.add(new FieldProblem(name, "may be given once"));
			}
		}
		RecipientStatus status = null;
		String statusText = first(parameters, "status");
		if (statusText != null) {
			try {
				status = RecipientStatus.parse(statusText);
			}
			catch (IllegalArgumentException ex) {
				errors.add(new FieldProblem("status", "must be one of scheduled, queued, sending, deferred, delivered, "
						+ "bounced, failed, suppressed, cancelled"));
			}
		}
		for (String tag : tags) {
			if (tag.isEmpty() || tag.length() > 64) {
				errors.add(new FieldProblem("tag", "must be 1 to 64 characters"));
			}
		}
		Instant since = instant("since", first(parameters, "since"), errors);
		Instant until = instant("until", first(parameters, "until"), errors);
		int limit = DEFAULT_LIMIT;
		String limitText = first(parameters, "limit");
		if (limitText != null) {
			try {
				limit = Integer.parseInt(limitText);
			}
			catch (NumberFormatException ex) {
				limit = -1;
			}
			if (limit < 1 || limit > MAX_LIMIT) {
				errors.add(new FieldProblem("limit", "must be a number from 1 to " + MAX_LIMIT));
			}
		}
		PageCursor cursor = null;
		String cursorText = first(parameters, "cursor");
		if (cursorText != null) {
			try {
				cursor = PageCursor.decode(cursorText);
			}
			catch (IllegalArgumentException ex) {
				errors.add(new FieldProblem("cursor", "is not a cursor from a previous page (nextCursor)"));
			}
		}
		String recipient = blankToNull(first(parameters, "recipient"));
		String template = blankToNull(first(parameters, "template"));
		if (!errors.isEmpty()) {
			throw ProblemException.invalid(errors);
		}
		return new MessageFilter(status, recipient, template, List.copyOf(tags), metadata, since, until, limit, cursor);
	}

	private static String first(Map<String, String[]> parameters, String name) {
		String[] values = parameters.get(name);
		return values == null || values.length == 0 ? null : values[0];
	}

	private static String blankToNull(String value) {
		return value == null || value.isBlank() ? null : value.trim();
	}

	/** An ISO-8601 instant with an offset ({@code 2026-11-28T10:15:00Z}, {@code …+01:00}). */
	private static Instant instant(String field, String text, List<FieldProblem> errors) {
		if (text == null) {
			return null;
		}
		try {
			return OffsetDateTime.parse(text).toInstant();
		}
		catch (DateTimeParseException ex) {
			errors.add(new FieldProblem(field, "must be an ISO-8601 time with offset, such as 2026-11-28T10:15:00Z"));
			return null;
		}
	}

}
