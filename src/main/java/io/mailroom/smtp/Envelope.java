package io.mailroom.smtp;

import java.util.List;
import java.util.Objects;

/**
 * The SMTP envelope of one transaction. {@code mailFrom} may be empty: the null reverse-path
 * {@code <>} used by bounces (RFC 5321 §4.5.5).
 */
public record Envelope(String mailFrom, List<String> recipients) {

	public Envelope {
		Objects.requireNonNull(mailFrom, "mailFrom");
		recipients = List.copyOf(recipients);
		if (recipients.isEmpty()) {
			throw new IllegalArgumentException("an envelope needs at least one recipient");
		}
		checkAddress(mailFrom);
		for (String recipient : recipients) {
			if (recipient.isEmpty()) {
				throw new IllegalArgumentException("empty recipient address");
			}
			checkAddress(recipient);
		}
	}

	public Envelope(String mailFrom, String... recipients) {
		this(mailFrom, List.of(recipients));
	}

	// An address is written between angle brackets on a command line; anything that could end
	// the line or the brackets would let a caller inject commands.
	private static void checkAddress(String address) {
		for (int i = 0; i < address.length(); i++) {
			char c = address.charAt(i);
			if (c == '\r' || c == '\n' || c == '<' || c == '>' || c == 0 || c == ' ' || c == '\t') {
				throw new IllegalArgumentException("invalid character in address: " + address.replaceAll("[\\r\\n]", "?"));
			}
		}
	}

	/** Whether any address needs SMTPUTF8 (RFC 6531): it contains a non-ASCII character. */
	boolean needsSmtpUtf8() {
		if (!isAscii(mailFrom)) {
			return true;
		}
		for (String recipient : recipients) {
			if (!isAscii(recipient)) {
				return true;
			}
		}
		return false;
	}

	private static boolean isAscii(String s) {
		for (int i = 0; i < s.length(); i++) {
			if (s.charAt(i) > 127) {
				return false;
			}
		}
		return true;
	}

}
