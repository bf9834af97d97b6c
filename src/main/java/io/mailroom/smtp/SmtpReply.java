package io.mailroom.smtp;

import java.util.List;

/**
 * One SMTP reply (RFC 5321 §4.2): a three-digit code, the RFC 3463 enhanced status code when the
 * server sent one (RFC 2034 ENHANCEDSTATUSCODES), and the text lines without code prefixes.
 */
public record SmtpReply(int code, String enhancedCode, List<String> lines) {

	public SmtpReply {
		lines = List.copyOf(lines);
	}

	public boolean isPositive() {
		return code >= 200 && code < 400;
	}

	public boolean isTransientFailure() {
		return code >= 400 && code < 500;
	}

	public boolean isPermanentFailure() {
		return code >= 500;
	}

	/** The reply text, lines joined with a space, enhanced code stripped. */
	public String text() {
		return String.join(" ", lines);
	}

	@Override
	public String toString() {
		return code + (enhancedCode != null ? " " + enhancedCode : "") + " " + text();
	}

}
