package io.mailroom.bounce;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Which SMTP command a remote server refused, as bounce prose tells it. */
final class SmtpCommands {

	private static final Pattern IN_REPLY = Pattern.compile(
			"(?i)(?:in reply to|after|>>>|while sending|at|did not like our)\\s+(?:the\\s+)?(?:end of\\s+)?(EHLO|HELO|MAIL\\s*FROM|RCPT\\s*TO|RCPT|MAIL|DATA|STARTTLS|AUTH|QUIT|end of data|initial connection)\\b");

	private static final Pattern TAG = Pattern.compile("\\[(RCPT_TO|MAIL_FROM|DATA|EHLO|HELO)\\]|\\bSMTP:(RCPT|MAIL|DATA|EHLO|HELO)\\b");

	private SmtpCommands() {
	}

	static String find(String text) {
		if (text == null || text.isEmpty()) {
			return "";
		}
		if (text.contains("refused to talk to me:")) {
			return "HELO"; // Postfix: the greeting itself was a refusal
		}
		Matcher m = IN_REPLY.matcher(text);
		if (!m.find()) {
			// Yahoo and others tag the stage: "[RCPT_TO]", "[DATA]", "SMTP:RCPT host ..."
			Matcher tag = TAG.matcher(text);
			if (!tag.find()) {
				return "";
			}
			return normalise((tag.group(1) != null ? tag.group(1) : tag.group(2)).replace('_', ' '));
		}
		return normalise(m.group(1));
	}

	static String normalise(String command) {
		String c = command.toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
		if (c.startsWith("MAIL")) {
			return "MAIL";
		}
		if (c.startsWith("RCPT")) {
			return "RCPT";
		}
		if (c.equals("END OF DATA")) {
			return "DATA";
		}
		if (c.equals("INITIAL CONNECTION")) {
			return "CONN";
		}
		return c;
	}

}
