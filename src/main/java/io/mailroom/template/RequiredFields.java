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
			List<String> segments = segments(path);
			walk(template, data, segments, 0, new int[segments.size()]);
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

	/**
	 * Walks the data along the segments; {@code indexes} holds the list index at each {@code []}
	 * segment, so the field's name ({@code data.order.items[2].quantity}) is spelled only when it
	 * is missing (spelling it at every step was 3 % of a rendering).
	 */
	private static void walk(String template, Object node, List<String> segments, int i, int[] indexes) {
		if (i == segments.size()) {
			return;
		}
		String segment = segments.get(i);
		if (segment.equals("[]")) {
			if (!(node instanceof List<?> list)) {
				String at = field(segments, indexes, i);
				throw new TemplateRenderingException(at + " must be a list", at, null);
			}
			for (int n = 0; n < list.size(); n++) {
				indexes[i] = n;
				walk(template, list.get(n), segments, i + 1, indexes);
			}
			return;
		}
		if (!(node instanceof Map<?, ?> map)) {
			String at = field(segments, indexes, i);
			throw new TemplateRenderingException(at + " must be an object", at, null);
		}
		Object value = map.get(segment);
		if (value == null || value instanceof String s && s.isBlank()) {
			String here = field(segments, indexes, i + 1);
			throw new TemplateRenderingException(
					"Template '" + template + "' requires " + here + ", which is missing or blank", here, null);
		}
		walk(template, value, segments, i + 1, indexes);
	}

	/** The name of the field reached after the first {@code end} segments. */
	private static String field(List<String> segments, int[] indexes, int end) {
		StringBuilder field = new StringBuilder("data");
		for (int k = 0; k < end; k++) {
			String segment = segments.get(k);
			if (segment.equals("[]")) {
				field.append('[').append(indexes[k]).append(']');
			}
			else {
				field.append('.').append(segment);
			}
		}
		return field.toString();
	}

}
