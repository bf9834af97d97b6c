package io.mailroom.bounce;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Which SMTP command a remote server refused, as bounce prose tells it. */
final class SmtpCommands {

	private static final String COMMAND = "(EHLO|HELO|MAIL\\s*FROM|RCPT\\s*TO|RCPT|MAIL|DATA|STARTTLS|AUTH|QUIT";

	/** The ways MTAs name the stage, most common first. */
	private static final List<Pattern> WORDINGS = List.of(
			// Postfix "(in reply to RCPT TO command)", Exim "after RCPT TO:", Sendmail ">>> DATA"
			Pattern.compile("(?i)(?:in reply to|after|>>>|while sending|at|did not like our)\\s+(?:the\\s+)?(?:end of\\s+)?"
					+ COMMAND + "|end of data|initial connection)\\b"),
			// Yahoo "[RCPT_TO]", Unknown MTA #3 "SMTP:RCPT host …"
			Pattern.compile("\\[(RCPT_TO|MAIL_FROM|DATA|EHLO|HELO)\\]|\\bSMTP:(RCPT|MAIL|DATA|EHLO|HELO)\\b"),
			// InterScan MSS "Sent <<< RCPT TO:<…>", m-FILTER "-------SMTP command DATA"
			Pattern.compile("(?:Sent\\s+<<<|-------SMTP command)\\s+" + COMMAND + ")\\b"),
			// 1&1 "SMTP error from remote server for TEXT command"
			Pattern.compile("for (TEXT) command"),
			// SendGrid "... User Unknown  in RCPT TO"
			Pattern.compile("\\bin (?:End of )?(RCPT|MAIL|DATA|EHLO|HELO)\\b"));

	private SmtpCommands() {
	}

	static String find(String text) {
		if (text == null || text.isEmpty()) {
			return "";
		}
		if (text.contains("refused to talk to me:")) {
			return "HELO"; // Postfix: the greeting itself was a refusal
		}
		for (Pattern wording : WORDINGS) {
			Matcher m = wording.matcher(text);
			if (m.find()) {
				String command = m.group(1) != null ? m.group(1) : m.group(2);
				return normalise(command.replace('_', ' '));
			}
		}
		return "";
	}

	static String normalise(String command) {
		String c = command.toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
		if (c.startsWith("MAIL")) {
			return "MAIL";
		}
		if (c.startsWith("RCPT")) {
			return "RCPT";
		}
		if (c.equals("END OF DATA") || c.equals("TEXT")) {
			return "DATA";
		}
		if (c.equals("INITIAL CONNECTION")) {
			return "CONN";
		}
		return c;
	}

}
