package io.mailroom.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sendmail-style text bounces (Sendmail without DSN, V5 sendmail, Active!Hunter and other clones):
 * the failed addresses are listed under "The following addresses had permanent fatal errors" and
 * the reason is in the "Transcript of session follows" section, per address
 * ("550 &lt;user@example.org&gt;... User unknown") or after the command that failed
 * ("&gt;&gt;&gt; RCPT To:&lt;user@example.org&gt;" then "&lt;&lt;&lt; 550 ...").
 */
final class SendmailTranscript extends TextBounce {

	private static final Pattern TRANSCRIPT = Pattern.compile("(?i)-+\\s*transcript of session follows\\s*-+");

	private static final Pattern SECTION_END = Pattern.compile("(?m)^\\s*-{3,}.*-{3,}\\s*$");

	@Override
	boolean recognises(MailMessage message) {
		String text = message.readableText();
		return TRANSCRIPT.matcher(text).find();
	}

	@Override
	List<RecipientFinding> recipients(MailMessage message, String prose) {
		List<RecipientFinding> found = super.recipients(message, prose);
		String transcript = transcript(prose);
		if (transcript.isBlank()) {
			return found;
		}
		for (RecipientFinding f : found) {
			String about = aboutRecipient(transcript, f.recipient);
			if (!about.isEmpty()) {
				f.diagnostic = about;
				f.command = commandBefore(transcript, f.recipient);
			}
			else if (found.size() == 1 || f.diagnostic.replaceAll("[<>\\s]", "").equalsIgnoreCase(f.recipient)) {
				f.diagnostic = SmtpText.sweep(transcript);
				f.command = SmtpCommands.find(f.diagnostic);
			}
		}
		return found;
	}

	private static String transcript(String prose) {
		Matcher m = TRANSCRIPT.matcher(prose);
		if (!m.find()) {
			return "";
		}
		String rest = prose.substring(m.end());
		Matcher end = SECTION_END.matcher(rest);
		return end.find() ? rest.substring(0, end.start()) : rest;
	}

	/** The transcript lines that name the recipient, and the server's replies to its RCPT. */
	private static String aboutRecipient(String transcript, String recipient) {
		String lowerRecipient = recipient.toLowerCase(Locale.ROOT);
		List<String> lines = List.of(transcript.split("\n"));
		List<String> about = new ArrayList<>();
		for (int i = 0; i < lines.size(); i++) {
			String line = lines.get(i).trim();
			if (!line.toLowerCase(Locale.ROOT).contains(lowerRecipient)) {
				continue;
			}
			if (line.startsWith(">>>")) {
				for (int j = i + 1; j < lines.size() && lines.get(j).trim().startsWith("<<<"); j++) {
					about.add(lines.get(j).trim().substring(3).trim());
				}
			}
			else {
				about.add(line.replaceFirst("^<<<\\s*", ""));
			}
		}
		return SmtpText.sweep(String.join(" ", about));
	}

	/** The last command sent before the server's reply about the recipient ("&gt;&gt;&gt; DATA"). */
	private static String commandBefore(String transcript, String recipient) {
		String lower = transcript.toLowerCase(Locale.ROOT);
		int at = lower.indexOf(recipient.toLowerCase(Locale.ROOT));
		int sent = lower.lastIndexOf(">>>", at);
		if (sent < 0) {
			return "";
		}
		String command = transcript.substring(sent + 3).trim().split("[\\s:]", 2)[0];
		return SmtpCommands.normalise(command);
	}

}
