package io.mailroom.webhook;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mailroom.common.Ids;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * The request body (SPEC §2): {@code {"type", "timestamp", "data": {...}}}, where {@code data} is
 * the event's data as the message module stored it. The same delivery always produces the same
 * bytes, so a retry carries the same body as the first attempt.
 */
@Component
class WebhookPayload {

	private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
	};

	/**
	 * PostgreSQL's jsonb keeps keys sorted by length, which reads oddly; these come first, in the
	 * SPEC's order, and any others after them.
	 */
	private static final List<String> KEY_ORDER = List.of("messageId", "recipient", "template", "tags", "metadata",
			"attempt", "smtp", "bounce");

	private final JsonMapper json;

	WebhookPayload(JsonMapper json) {
		this.json = json;
	}

	String body(ClaimedDelivery delivery) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", delivery.eventType());
		body.put("timestamp", delivery.occurredAt().toString());
		body.put("data", delivery.data() != null ? ordered(json.readValue(delivery.data(), MAP)) : testData(delivery));
		return json.writeValueAsString(body);
	}

	private static Map<String, Object> ordered(Map<String, Object> data) {
		Map<String, Object> ordered = new LinkedHashMap<>();
		for (String key : KEY_ORDER) {
			if (data.containsKey(key)) {
				ordered.put(key, data.get(key));
			}
		}
		data.forEach(ordered::putIfAbsent);
		return ordered;
	}

	private static Map<String, Object> testData(ClaimedDelivery delivery) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("webhookId", Ids.format(WebhookEndpoint.ID_PREFIX, delivery.endpointId()));
		data.put("message", "This is a test event from mailroom.");
		return data;
	}

}
