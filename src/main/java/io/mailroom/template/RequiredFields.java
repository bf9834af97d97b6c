package io.mailroom.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks the model paths a template declares as required ({@code order.number},
 * {@code order.items[].quantity}) before rendering, so a missing value is a 422 naming the field
 * ({@code data.order.items[2].quantity}) instead of a mail with a blank where the order number
 * should be.
 */
final class RequiredFields {

	private static final Pattern PATH = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\[\\])?(\\.[A-Za-z_][A-Za-z0-9_]*(\\[\\])?)*");

	private RequiredFields() {
	}

	static boolean isValidPath(String path) {
		return PATH.matcher(path).matches();
	}

	static void check(String template, List<String> paths, Map<String, Object> data) {
		for (String path : paths) {
			walk(template, data, segments(path), 0, "data");
		}
	}

	private static List<String> segments(String path) {
		List<String> out = new ArrayList<>();
		for (String part : path.split("\\.")) {
			if (part.endsWith("[]")) {
				out.add(part.substring(0, part.length() - 2));
				out.add("[]");
			}
			else {
				out.add(part);
			}
		}
		return out;
	}

	private static void walk(String template, Object node, List<String> segments, int i, String at) {
		if (i == segments.size()) {
			return;
		}
		String segment = segments.get(i);
		if (segment.equals("[]")) {
			if (!(node instanceof List<?> list)) {
				throw new TemplateRenderingException(at + " must be a list", at, null);
			}
			for (int n = 0; n < list.size(); n++) {
				walk(template, list.get(n), segments, i + 1, at + "[" + n + "]");
			}
			return;
		}
		if (!(node instanceof Map<?, ?> map)) {
			throw new TemplateRenderingException(at + " must be an object", at, null);
		}
		Object value = map.get(segment);
		String here = at + "." + segment;
		if (value == null || value instanceof String s && s.isBlank()) {
			throw new TemplateRenderingException(
					"Template '" + template + "' requires " + here + ", which is missing or blank", here, null);
		}
		walk(template, value, segments, i + 1, here);
	}

}
