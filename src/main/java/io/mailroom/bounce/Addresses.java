package io.mailroom.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finding e-mail addresses in header values and bounce prose. */
final class Addresses {

	/**
	 * A mailbox as it appears in prose. The look-behind and the possessive local part keep the
	 * search linear on long runs of base64 or other address-like characters.
	 */
	static final Pattern ADDRESS = Pattern.compile(
			"(?<![A-Za-z0-9!#$%&'*+/=?^_`{|}~.-])[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]++@[A-Za-z0-9-]++(?:\\.[A-Za-z0-9-]++)+");

	private Addresses() {
	}

	/** The first address in the text, cleaned, or "". */
	static String first(String text) {
		List<String> all = all(text);
		return all.isEmpty() ? "" : all.get(0);
	}

	static List<String> all(String text) {
		List<String> found = new ArrayList<>();
		if (text == null) {
			return found;
		}
		Matcher m = ADDRESS.matcher(text);
		while (m.find()) {
			String a = clean(m.group());
			if (!a.isEmpty() && !found.contains(a)) {
				found.add(a);
			}
		}
		return found;
	}

	static String clean(String address) {
		String a = address.trim();
		while (!a.isEmpty() && ".-'`=".indexOf(a.charAt(0)) >= 0) {
			a = a.substring(1);
		}
		while (!a.isEmpty() && ".-'`".indexOf(a.charAt(a.length() - 1)) >= 0) {
			a = a.substring(0, a.length() - 1);
		}
		int at = a.lastIndexOf('@');
		if (at <= 0 || at == a.length() - 1) {
			return "";
		}
		return a;
	}

	/** Same mailbox: local part exact, domain case-insensitive. */
	static boolean same(String a, String b) {
		if (a == null || b == null) {
			return false;
		}
		int i = a.lastIndexOf('@');
		int j = b.lastIndexOf('@');
		if (i < 0 || j < 0) {
			return a.equalsIgnoreCase(b);
		}
		return a.substring(0, i).equalsIgnoreCase(b.substring(0, j))
				&& a.substring(i + 1).equalsIgnoreCase(b.substring(j + 1));
	}

	/** Addresses of mail systems rather than people: never the failed recipient. */
	static boolean isSystem(String address) {
		String local = address.substring(0, Math.max(0, address.lastIndexOf('@'))).toLowerCase(Locale.ROOT);
		return local.equals("mailer-daemon") || local.equals("postmaster") || local.startsWith("mailer-daemon")
				|| local.equals("nobody") || local.equals("bounce")
				|| local.equals("bounces") || local.startsWith("bounce+") || local.equals("no-reply")
				|| local.equals("noreply") || local.equals("mdaemon") || local.equals("maildaemon");
	}

}
