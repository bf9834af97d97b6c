package io.mailroom.bounce;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gmail's older text bounces ("Delivery to the following recipient failed permanently"), which
 * end the remote server's reply with Google's "(state N)": the SMTP stage that failed.
 */
final class GmailBounce extends TextBounce {

	private static final Pattern STATE = Pattern.compile("\\(state (\\d+)\\)");

	/** Google's session states: the command and what a refusal there means. */
	private static final Map<String, Map.Entry<String, Reason>> STATES = Map.of(
			"6", Map.entry("MAIL", Reason.SYSTEMERROR), "8", Map.entry("AUTH", Reason.SYSTEMERROR),
			"9", Map.entry("AUTH", Reason.SYSTEMERROR), "12", Map.entry("AUTH", Reason.NORELAYING),
			"13", Map.entry("EHLO", Reason.BLOCKED), "14", Map.entry("RCPT", Reason.USERUNKNOWN),
			"15", Map.entry("DATA", Reason.FILTERED), "17", Map.entry("DATA", Reason.FILTERED),
			"18", Map.entry("DATA", Reason.FILTERED));

	private static final List<Map.Entry<Reason, List<String>>> MESSAGES = List.of(
			Map.entry(Reason.EXPIRED, List.of("DNS Error: Could not contact DNS servers",
					"Delivery to the following recipient has been delayed",
					"The recipient server did not accept our requests to connect")),
			Map.entry(Reason.HOSTUNKNOWN, List.of("DNS Error: Domain name not found",
					"DNS Error: DNS server returned answer with no data")));

	@Override
	boolean recognises(MailMessage message) {
		return message.from().contains("<mailer-daemon@googlemail.com>")
				&& message.subject().contains("Delivery Status Notification")
				&& message.readableText().contains("Delivery to the following recipient");
	}

	@Override
	List<RecipientFinding> recipients(MailMessage message, String prose) {
		List<RecipientFinding> found = super.recipients(message, prose);
		int start = prose.indexOf("Delivery to the following recipient");
		String details = SmtpText.sweep(prose.substring(Math.max(0, start)));
		for (RecipientFinding f : found) {
			if (found.size() == 1) {
				// the explanation follows the address in separate paragraphs
				f.diagnostic = details.replace(f.recipient, " ").replaceAll("\\s+", " ").trim();
			}
		}
		return found;
	}

	@Override
	void refine(RecipientFinding f, MailMessage message) {
		Reason reason = null;
		Matcher m = STATE.matcher(f.diagnostic);
		String state = null;
		while (m.find()) {
			state = m.group(1);
		}
		if (state != null && STATES.containsKey(state)) {
			f.command = STATES.get(state).getKey();
			reason = STATES.get(state).getValue();
		}
		if (reason == null) {
			for (Map.Entry<Reason, List<String>> e : MESSAGES) {
				if (SmtpText.containsAny(f.diagnostic, e.getValue())) {
					reason = e.getKey();
					break;
				}
			}
		}
		if (reason == null) {
			super.refine(f, message);
			return;
		}
		// a specific code in the reply says more than Gmail's stage
		String status = EnhancedStatus.find(f.diagnostic, "");
		Reason byStatus = Reason.ofStatus(status);
		f.reason = !status.isEmpty() && !status.contains(".0") && byStatus != null ? byStatus : reason;
	}

}
