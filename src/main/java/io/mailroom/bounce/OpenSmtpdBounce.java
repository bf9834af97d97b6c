package io.mailroom.bounce;

import java.util.List;
import java.util.Map;

/**
 * OpenSMTPD's bounces ("This is the MAILER-DAEMON, please DO NOT REPLY to this e-mail"). Read from
 * the prose, which names the failure in OpenSMTPD's words; the attached report only repeats a
 * generic status.
 */
final class OpenSmtpdBounce extends TextBounce {

	private static final List<Map.Entry<Reason, List<String>>> MESSAGES = List.of(
			Map.entry(Reason.EXPIRED, List.of("Envelope expired")),
			Map.entry(Reason.SECURITYERROR, List.of("Could not retrieve credentials")),
			Map.entry(Reason.HOSTUNKNOWN, List.of("Invalid domain name", "Domain does not exist")),
			Map.entry(Reason.NETWORKERROR, List.of("Address family mismatch on destination MXs",
					"All routes to destination blocked", "bad DNS lookup error code", "Could not retrieve source address",
					"Loop detected", "Network error on destination MXs", "No valid route to remote MX",
					"No valid route to destination", "Temporary failure in MX lookup")),
			Map.entry(Reason.NOTACCEPT, List.of("Destination seem to reject all mails", "No MX found for domain",
					"No MX found for destination")));

	@Override
	boolean recognises(MailMessage message) {
		return message.readableText().contains("This is the MAILER-DAEMON, please DO NOT REPLY to this");
	}

	@Override
	String prose(MailMessage message) {
		String text = super.prose(message);
		int at = text.indexOf("Below is a copy of the original message:");
		return at < 0 ? text : text.substring(0, at);
	}

	@Override
	void refine(RecipientFinding f, MailMessage message) {
		for (Map.Entry<Reason, List<String>> e : MESSAGES) {
			if (SmtpText.containsAny(f.diagnostic, e.getValue())) {
				f.reason = e.getKey();
				return;
			}
		}
		super.refine(f, message);
	}

}
