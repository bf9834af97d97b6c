package io.mailroom.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sendmail's "Transcript of session follows" beside its RFC 3464 report: when the report has no
 * usable diagnostic, the remote server's own replies ("&lt;&lt;&lt; 550 Unknown user ...") or
 * sendmail's verdict line stand in, and the last "&gt;&gt;&gt;" line names the refused command.
 * This mirrors what sisimai's Sendmail module takes from it.
 */
final class SessionTranscript {

	private static final Pattern START = Pattern.compile("(?i)-+\\s*transcript of session follows\\s*-+");

	private static final Pattern END = Pattern.compile("(?m)^\\s*-{3,}.*-{3,}\\s*$|(?mi)^content-type:");

	private static final Pattern SENT = Pattern.compile("^>>>\\s+([A-Z]{4})");

	private static final Pattern STATUS_LINE = Pattern.compile("^[45]\\d\\d[ \\t]([45]\\.\\d\\.\\d)[ \\t].+");

	private final List<String> replies = new ArrayList<>();

	private String lastCommand = "";

	private String otherStatus = "";

	private String otherDiagnostic = "";

	private SessionTranscript() {
	}

	/** The transcript in the bounce's text, or null when there is none. */
	static SessionTranscript of(String text) {
		Matcher start = START.matcher(text);
		if (!start.find()) {
			return null;
		}
		String rest = text.substring(start.end());
		Matcher end = END.matcher(rest);
		String section = end.find() ? rest.substring(0, end.start()) : rest;
		SessionTranscript t = new SessionTranscript();
		for (String line : section.split("\n")) {
			if (line.isEmpty() || line.startsWith(" ") || line.startsWith("\t")) {
				continue;
			}
			Matcher sent = SENT.matcher(line);
			if (sent.find()) {
				t.lastCommand = SmtpCommands.normalise(sent.group(1));
			}
			else if (line.startsWith("<<<")) {
				String reply = line.substring(3).trim();
				if (!t.replies.contains(reply)) {
					t.replies.add(reply);
				}
			}
			else if (t.otherStatus.isEmpty()) {
				Matcher status = STATUS_LINE.matcher(line);
				if (status.find()) {
					// "554 5.3.0 unknown mailer error 255": sendmail's own verdict
					t.otherStatus = status.group(1);
					t.otherDiagnostic = line.trim();
				}
			}
		}
		return t;
	}

	void complete(RecipientFinding f) {
		boolean saysNothing = f.diagnostic.isBlank() || f.diagnostic.trim().matches("\\d+");
		if (saysNothing && !this.replies.isEmpty()) {
			f.diagnostic = String.join(" ", this.replies);
		}
		else if (saysNothing && !this.otherDiagnostic.isEmpty()) {
			f.diagnostic = this.otherDiagnostic; // "X-Unix; 255" says less than sendmail's own line
		}
		if (!this.otherStatus.isEmpty() && !EnhancedStatus.isValid(f.status)) {
			f.status = this.otherStatus;
		}
		if (f.command.isEmpty()) {
			f.command = !this.lastCommand.isEmpty() ? this.lastCommand : this.replies.isEmpty() ? "" : "EHLO";
		}
	}

}
