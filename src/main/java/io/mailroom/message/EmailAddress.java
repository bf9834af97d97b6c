package io.mailroom.message;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A mailbox address checked against RFC 5321 §4.1.2 (with RFC 6531's UTF-8 local parts and IDN
 * domains). Only what a relay will accept on the wire passes: no comments, no display names, no
 * obsolete forms.
 *
 * @param localPart as given (case is significant in the local part)
 * @param domain as given
 * @param asciiDomain the domain in A-label form, lower-case
 */
public record EmailAddress(String localPart, String domain, String asciiDomain) {

	// qtextSMTP (%d32-33 / %d35-91 / %d93-126) or quoted-pairSMTP, plus UTF-8.
	private static final Pattern QUOTED = Pattern.compile("\"([\\x20\\x21\\x23-\\x5b\\x5d-\\x7e\\P{ASCII}]|\\\\[\\x20-\\x7e])*\"");

	private static final Pattern IPV4_LITERAL = Pattern
		.compile("\\[(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}]");

	/**
	 * @throws IllegalArgumentException with a message a caller can act on
	 */
	public static EmailAddress parse(String text) {
		if (text == null || text.isBlank()) {
			throw new IllegalArgumentException("is required");
		}
		if (text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
			throw new IllegalArgumentException("must not contain control characters");
		}
		int at = text.lastIndexOf('@');
		if (at <= 0 || at == text.length() - 1) {
			throw new IllegalArgumentException("is not an email address (local-part@domain)");
		}
		String local = text.substring(0, at);
		String domain = text.substring(at + 1);
		if (!dotAtom(local) && !QUOTED.matcher(local).matches()) {
			throw new IllegalArgumentException("has an invalid local part");
		}
		if (local.getBytes(StandardCharsets.UTF_8).length > 64) {
			throw new IllegalArgumentException("has a local part longer than 64 octets");
		}
		String ascii = asciiDomain(domain);
		if (text.getBytes(StandardCharsets.UTF_8).length > 254) {
			throw new IllegalArgumentException("is longer than 254 octets");
		}
		return new EmailAddress(local, domain, ascii);
	}

	private static String asciiDomain(String domain) {
		if (domain.startsWith("[")) {
			if (!IPV4_LITERAL.matcher(domain).matches()) {
				throw new IllegalArgumentException("has an invalid address literal");
			}
			return domain;
		}
		String ascii;
		try {
			ascii = IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("has an invalid domain");
		}
		if (ascii.length() > 253 || ascii.isEmpty()) {
			throw new IllegalArgumentException("has an invalid domain length");
		}
		String[] labels = ascii.split("\\.", -1);
		if (labels.length < 2) {
			throw new IllegalArgumentException("has a domain without a dot");
		}
		for (String label : labels) {
			if (!ldhLabel(label)) {
				throw new IllegalArgumentException("has an invalid domain");
			}
		}
		return ascii;
	}

	/*
	 * The two checks every address goes through are written by hand (as regular expressions they
	 * were 2–3 % of a batch's CPU); EmailAddressSyntaxProperties holds them to the expressions.
	 */

	/**
	 * RFC 5322 dot-atom with any non-ASCII character allowed in atext (RFC 6531 UTF8-non-ascii):
	 * {@code atext+(\.atext+)*}.
	 */
	static boolean dotAtom(String s) {
		int n = s.length();
		if (n == 0 || s.charAt(0) == '.' || s.charAt(n - 1) == '.') {
			return false;
		}
		char previous = 0;
		for (int i = 0; i < n; i++) {
			char c = s.charAt(i);
			if (c == '.') {
				if (previous == '.') {
					return false;
				}
			}
			else if (!atext(c)) {
				return false;
			}
			previous = c;
		}
		return true;
	}

	private static boolean atext(char c) {
		if (c >= 0x80) {
			return true;
		}
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			return true;
		}
		return "!#$%&'*+/=?^_`{|}~-".indexOf(c) >= 0;
	}

	/** An LDH label of an A-label domain, lower-case: {@code [a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?}. */
	static boolean ldhLabel(String label) {
		int n = label.length();
		if (n == 0 || n > 63 || label.charAt(0) == '-' || label.charAt(n - 1) == '-') {
			return false;
		}
		for (int i = 0; i < n; i++) {
			char c = label.charAt(i);
			if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
				return false;
			}
		}
		return true;
	}

	/** Whether the address needs SMTPUTF8 on the wire (RFC 6531). */
	public boolean needsUtf8() {
		return !StandardCharsets.US_ASCII.newEncoder().canEncode(localPart);
	}

	/** The address to put on the wire: UTF-8 local parts stay, domains become A-labels. */
	public String wire() {
		return localPart + "@" + asciiDomain;
	}

	/** The key the suppression list compares on: local part exactly, domain case-insensitively. */
	public String normalized() {
		return localPart + "@" + asciiDomain;
	}

	@Override
	public String toString() {
		return localPart + "@" + domain;
	}

}
