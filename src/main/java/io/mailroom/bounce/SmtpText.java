package io.mailroom.bounce;

import java.util.List;
import java.util.Locale;

/** Small text tests shared by the classifier and the formats. */
final class SmtpText {

	private SmtpText() {
	}

	static boolean containsAny(String text, List<String> needles) {
		for (String n : needles) {
			if (text.contains(n)) {
				return true;
			}
		}
		return false;
	}

	/** Whether the pieces occur in the text in this order (sisimai's "Aligned"). */
	static boolean aligned(String text, String... pieces) {
		int at = 0;
		for (String p : pieces) {
			int found = text.indexOf(p, at);
			if (found < 0) {
				return false;
			}
			at = found + p.length();
		}
		return true;
	}

	static boolean alignedAny(String text, List<String[]> pairs) {
		for (String[] p : pairs) {
			if (aligned(text, p)) {
				return true;
			}
		}
		return false;
	}

	static boolean isPermanent(String text) {
		if (text == null || text.isBlank()) {
			return false;
		}
		String code = EnhancedStatus.find(text, "");
		if (code.isEmpty()) {
			code = EnhancedStatus.findReplyCode(text, "");
		}
		return code.startsWith("5") || text.toLowerCase(Locale.ROOT).contains(" permanent ");
	}

	static boolean isTemporary(String text) {
		if (text == null || text.isBlank()) {
			return false;
		}
		String code = EnhancedStatus.find(text, "");
		if (code.isEmpty()) {
			code = EnhancedStatus.findReplyCode(text, "");
		}
		String lower = text.toLowerCase(Locale.ROOT);
		return code.startsWith("4") || lower.contains(" temporar") || lower.contains(" persistent");
	}

	/** Collapses runs of white space and trims; bounce text arrives folded and indented. */
	static String sweep(String text) {
		if (text == null) {
			return "";
		}
		return text.replaceAll("[\\s\\u00a0]+", " ").trim();
	}

}
