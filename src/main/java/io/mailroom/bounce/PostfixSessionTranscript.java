package io.mailroom.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Postfix's notice to the postmaster about an inbound session that failed ("Postfix SMTP server:
 * errors from …"): a transcript of "In:" commands and "Out:" replies. The recipients are those of
 * "RCPT TO", and the failure is the first 4xx/5xx reply after each.
 */
final class PostfixSessionTranscript implements BounceFormat {

	private static final Pattern LINE = Pattern.compile("(?m)^\\s*(In|Out):\\s+(.*)$");

	private static final Pattern RCPT = Pattern.compile("(?i)^RCPT\\s+TO:\\s*<?([^>\\s]+@[^>\\s]+)>?");

	private static final Pattern FAILED_REPLY = Pattern.compile("^[45]\\d\\d\\b");

	@Override
	public List<RecipientFinding> read(MailMessage message) {
		if (!message.subject().contains("SMTP server: errors from ")) {
			return List.of();
		}
		List<RecipientFinding> found = new ArrayList<>();
		String lastCommand = "";
		Matcher m = LINE.matcher(message.readableText());
		while (m.find()) {
			String text = m.group(2).trim();
			if (m.group(1).equals("In")) {
				lastCommand = SmtpCommands.normalise(text.split("[\\s:]", 2)[0]);
				Matcher rcpt = RCPT.matcher(text);
				if (rcpt.find()) {
					found.add(new RecipientFinding(rcpt.group(1)));
				}
				continue;
			}
			if (!FAILED_REPLY.matcher(text).find() || found.isEmpty()) {
				continue;
			}
			// one failure per recipient: the first refusal after its RCPT (or a later DATA) counts
			for (RecipientFinding f : found) {
				if (f.diagnostic.isEmpty()) {
					f.diagnostic = text;
					f.command = lastCommand.toUpperCase(Locale.ROOT);
				}
			}
		}
		found.removeIf(f -> f.diagnostic.isEmpty());
		return found;
	}

}
