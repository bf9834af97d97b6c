package io.mailroom.smtp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The service extensions of an EHLO reply (RFC 5321 §4.1.1.1): keyword → parameters. */
record ServerExtensions(Map<String, String> parameters) {

	static final ServerExtensions NONE = new ServerExtensions(Map.of());

	static ServerExtensions fromEhlo(SmtpReply reply) {
		Map<String, String> parameters = new LinkedHashMap<>();
		List<String> lines = reply.lines();
		// the first line is the server's name and greeting
		for (int i = 1; i < lines.size(); i++) {
			String line = lines.get(i).trim();
			if (line.isEmpty()) {
				continue;
			}
			int space = line.indexOf(' ');
			String keyword = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
			String value = space < 0 ? "" : line.substring(space + 1).trim();
			// some servers still announce the pre-RFC 4954 form "AUTH=LOGIN PLAIN"
			if (keyword.startsWith("AUTH=")) {
				value = (keyword.substring(5) + " " + value).trim();
				keyword = "AUTH";
				value = mergeWords(parameters.get("AUTH"), value);
			}
			else if (keyword.equals("AUTH")) {
				value = mergeWords(parameters.get("AUTH"), value);
			}
			parameters.put(keyword, value);
		}
		return new ServerExtensions(Collections.unmodifiableMap(parameters));
	}

	private static String mergeWords(String existing, String added) {
		return existing == null || existing.isEmpty() ? added : existing + " " + added;
	}

	Set<String> keywords() {
		return parameters.keySet();
	}

	boolean has(String keyword) {
		return parameters.containsKey(keyword);
	}

	/** The SIZE limit in octets, or 0 when none is announced (RFC 1870 §4: "SIZE 0" means none). */
	long sizeLimit() {
		String value = parameters.get("SIZE");
		if (value == null || value.isEmpty()) {
			return 0;
		}
		try {
			return Math.max(0, Long.parseLong(value.split(" ")[0]));
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	boolean offersAuth(String mechanism) {
		String value = parameters.get("AUTH");
		if (value == null) {
			return false;
		}
		for (String offered : value.split(" +")) {
			if (offered.equalsIgnoreCase(mechanism)) {
				return true;
			}
		}
		return false;
	}

}
