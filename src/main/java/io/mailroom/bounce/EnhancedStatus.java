package io.mailroom.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * RFC 3463 enhanced status codes ("5.1.1") and SMTP reply codes ("550") as they appear inside
 * free-form bounce text. The search rules follow sisimai's {@code smtp/status} and
 * {@code smtp/reply}: IPv4 addresses and version numbers look like status codes and must not be
 * taken for them, and "x.0.0" or "4.4.7" only count when nothing more specific is present.
 */
final class EnhancedStatus {

	private static final Pattern IPV4 = Pattern.compile("\\b\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\b");

	private static final Pattern VALID = Pattern.compile("[245]\\.[0-7]\\.\\d{1,3}");

	/** The reply codes RFC 5321, 4954 and 7504 define, most specific classes first. */
	private static final List<String> REPLY_5 = List.of("550", "552", "553", "551", "521", "525", "523",
			"524", "530", "533", "534", "535", "538", "555", "556", "554", "500", "501", "502", "503", "504");

	private static final List<String> REPLY_4 = List.of("421", "450", "451", "452", "422", "430", "432", "453",
			"454", "455", "458", "459");

	private static final List<String> REPLY_2 = List.of("211", "214", "220", "221", "235", "250", "251", "252",
			"253", "334", "354");

	private EnhancedStatus() {
	}

	static boolean isValid(String code) {
		return code != null && VALID.matcher(code).matches();
	}

	/** Whether the code is a real subject/detail and not the generic "x.0.0". */
	static boolean isSpecific(String code) {
		return isValid(code) && !code.substring(1).equals(".0.0");
	}

	/**
	 * The enhanced status code in the text, or "" when there is none. When several appear, the
	 * most specific one wins (see {@link #prefer}).
	 */
	static String find(String text, String classHint) {
		if (text == null || text.length() < 7) {
			return "";
		}
		String hint = classHint == null || classHint.isEmpty() ? " " : classHint.substring(0, 1);
		List<String> classes = switch (hint) {
			case "2", "4", "5" -> List.of(hint + ".");
			default -> List.of("5.", "4.", "2.");
		};
		String s = " " + IPV4.matcher(text).replaceAll("***.***.***.***") + "   ";
		TreeMap<Integer, String> looking = new TreeMap<>();
		for (String c : classes) {
			int from = 0;
			int at;
			while ((at = s.indexOf(c, from)) >= 0) {
				looking.put(at, c);
				from = at + 5;
			}
		}
		List<String> found = new ArrayList<>();
		String another = "";
		int n = s.length();
		for (Map.Entry<Integer, String> e : looking.entrySet()) {
			int ci = e.getKey();
			if (ci < 1) {
				continue;
			}
			char prev = s.charAt(ci - 1);
			char subject = ci + 2 < n ? s.charAt(ci + 2) : 0;
			char dot = ci + 3 < n ? s.charAt(ci + 3) : 0;
			if (prev > 45 && prev < 58 || prev == 'V' || prev == 'v') {
				continue; // a number or a version string such as "v2.4.1"
			}
			if (subject < '0' || subject > '7' || dot != '.') {
				continue;
			}
			StringBuilder code = new StringBuilder(e.getValue()).append(subject).append('.');
			char d1 = ci + 4 < n ? s.charAt(ci + 4) : 0;
			char d2 = ci + 5 < n ? s.charAt(ci + 5) : 0;
			char d3 = ci + 6 < n ? s.charAt(ci + 6) : 0;
			char next = ci + 7 < n ? s.charAt(ci + 7) : 0;
			if (!Character.isDigit(d1)) {
				continue;
			}
			code.append(d1);
			String cv = code.toString();
			if (cv.substring(1).equals(".0.0") || cv.equals("4.4.7")) {
				another = cv;
				continue;
			}
			if (!Character.isDigit(d2)) {
				found.add(cv);
				continue;
			}
			code.append(d2);
			if (!Character.isDigit(d3)) {
				found.add(code.toString());
				continue;
			}
			code.append(d3);
			if (Character.isDigit(next)) {
				continue;
			}
			found.add(code.toString());
		}
		if (!another.isEmpty()) {
			found.add(another);
		}
		if (found.isEmpty()) {
			return "";
		}
		String chosen = found.get(0);
		for (int i = 1; i < found.size(); i++) {
			chosen = prefer(chosen, found.get(i), "");
		}
		return chosen;
	}

	/** The SMTP reply code in the text, or "" when there is none. */
	static String findReplyCode(String text, String statusHint) {
		if (text == null || text.length() < 3 || text.toUpperCase().contains("X-UNIX")) {
			return "";
		}
		String hint = statusHint == null || statusHint.isEmpty() ? "0" : statusHint.substring(0, 1);
		List<String> codes = new ArrayList<>();
		switch (hint) {
			case "2" -> codes.addAll(REPLY_2);
			case "4" -> codes.addAll(REPLY_4);
			case "5" -> codes.addAll(REPLY_5);
			default -> {
				codes.addAll(REPLY_5);
				codes.addAll(REPLY_4);
				codes.addAll(REPLY_2);
			}
		}
		String s = " " + text + " ";
		for (String code : codes) {
			int from = 1;
			int at;
			while ((at = s.indexOf(code, from)) >= 0) {
				char before = s.charAt(at - 1);
				char after = at + 3 < s.length() ? s.charAt(at + 3) : ' ';
				if (before > 45 && before < 58 || after > 45 && after < 58) {
					from = at + 3;
					continue;
				}
				return code;
			}
		}
		return "";
	}

	/**
	 * Chooses between the code of the DSN's Status field and the one inside its diagnostic text,
	 * as sisimai's {@code status.Prefer} does: the class that agrees with the reply code wins, then
	 * the more specific code wins over "x.0.0" and over codes that only say "protocol" or "system".
	 */
	static String prefer(String fromField, String fromText, String replyCode) {
		if (fromField == null || fromField.isEmpty()) {
			return fromText == null ? "" : fromText;
		}
		if (fromText == null || fromText.isEmpty()) {
			return fromField;
		}
		if (fromField.length() < 5) {
			return fromText;
		}
		if (fromText.length() < 5) {
			return fromField;
		}
		String reply = replyCode == null || replyCode.isEmpty() ? "0" : replyCode;
		char f = fromField.charAt(0);
		char t = fromText.charAt(0);
		char r = reply.charAt(0);
		if (f != t) {
			if (r == f) {
				return fromField;
			}
			if (r == t) {
				return fromText;
			}
		}
		if (fromField.equals(fromText)) {
			return fromField;
		}
		int fieldZero = fromField.indexOf(".0");
		int textZero = fromText.indexOf(".0");
		if (fromField.indexOf(".0.0") > 0) {
			return fromText.indexOf(".0.0") < 0 ? fromText : fromField;
		}
		if (fieldZero > 0 && textZero < 0) {
			return fromText;
		}
		if (fromText.indexOf(".0.0") > 0) {
			return fromField;
		}
		if (fromField.equals("4.4.7") || fromField.equals("4.7.0") || fromField.startsWith("5.3.")) {
			return fromText;
		}
		String subject = fromField.substring(1, 4);
		if (subject.equals(".5.1") || subject.equals(".5.2") || subject.equals(".5.4") || subject.equals(".5.5")) {
			return fromText;
		}
		if (fromField.equals("5.1.1")) {
			return textZero > 0 || fromText.startsWith("5.5.") ? fromField : fromText;
		}
		if (fromField.equals("5.1.3") && fromText.startsWith("5.7.")) {
			return fromText;
		}
		return fromField;
	}

}
