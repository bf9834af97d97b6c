package io.mailroom.delivery;

import java.util.Locale;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

/** Classifies synchronous 5xx replies by their RFC 3463 enhanced status code and text. */
@Component
class EnhancedStatusBounceClassification implements BounceClassification {

	private static final Pattern UNKNOWN_USER = Pattern.compile(
			"user unknown|unknown user|no such user|does not exist|mailbox unavailable|invalid recipient|recipient rejected|address rejected",
			Pattern.CASE_INSENSITIVE);

	@Override
	public Verdict classify(int replyCode, String enhancedCode, String text) {
		String status = enhancedCode == null ? "" : enhancedCode.toLowerCase(Locale.ROOT);
		if (status.matches("5\\.1\\.(1|2|3|6|10)") || (status.isEmpty() && text != null && UNKNOWN_USER.matcher(text).find())) {
			return new Verdict("hard", "user-unknown");
		}
		if (status.startsWith("5.2.2") || status.startsWith("4.2.2")) {
			return new Verdict("soft", "mailbox-full");
		}
		if (status.startsWith("5.7.")) {
			return new Verdict("soft", "policy");
		}
		if (status.startsWith("5.3.4") || status.startsWith("5.6.")) {
			return new Verdict("soft", "content-rejected");
		}
		return new Verdict("soft", "other");
	}

}
