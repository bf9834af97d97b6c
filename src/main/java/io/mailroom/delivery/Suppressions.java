package io.mailroom.delivery;

import java.util.Locale;

/** The suppression list's key: the local part exactly as given, the domain case-insensitively. */
public final class Suppressions {

	private Suppressions() {
	}

	public static String normalize(String email) {
		int at = email.lastIndexOf('@');
		if (at < 0) {
			return email;
		}
		return email.substring(0, at + 1) + java.net.IDN.toASCII(email.substring(at + 1)).toLowerCase(Locale.ROOT);
	}

}
