package io.mailroom.bounce;

import java.util.List;
import java.util.Map;

/** Ipswitch IMail Server's "Undeliverable Mail" notices ("Unknown user: someone@example.org"). */
final class IMailServerBounce extends TextBounce {

	private static final List<Map.Entry<Reason, List<String>>> MESSAGES = List.of(
			Map.entry(Reason.HOSTUNKNOWN, List.of("Unknown host")),
			Map.entry(Reason.USERUNKNOWN, List.of("Unknown user", "Invalid final delivery userid")),
			Map.entry(Reason.MAILBOXFULL, List.of("User mailbox exceeds allowed size")),
			Map.entry(Reason.VIRUSDETECTED, List.of("Requested action not taken: virus detected")),
			Map.entry(Reason.UNDEFINED, List.of("undeliverable to")),
			Map.entry(Reason.EXPIRED, List.of("Delivery failed ")));

	@Override
	boolean recognises(MailMessage message) {
		return message.subject().startsWith("Undeliverable Mail ")
				|| message.headers().first("x-mailer").trim().startsWith("<SMTP32 v");
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
