package io.mailroom.message;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the {@code data} object of event payloads (SPEC §2 "Webhooks"). */
public final class EventData {

	private EventData() {
	}

	public static Map<String, Object> base(String messageId, String recipient, String template, List<String> tags,
			Map<String, String> metadata, boolean test) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("messageId", messageId);
		data.put("recipient", recipient);
		data.put("template", template);
		data.put("tags", tags);
		data.put("metadata", metadata);
		if (test) {
			data.put("test", true);
		}
		return data;
	}

	public static Map<String, Object> smtp(Integer code, String enhancedCode, String text, String host) {
		Map<String, Object> smtp = new LinkedHashMap<>();
		smtp.put("code", code);
		smtp.put("enhancedCode", enhancedCode);
		smtp.put("text", text);
		smtp.put("host", host);
		return smtp;
	}

}
