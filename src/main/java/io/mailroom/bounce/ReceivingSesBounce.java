package io.mailroom.bounce;

import java.util.List;
import java.util.Map;

/**
 * Amazon SES receiving rules that bounce ("This message could not be delivered."): an RFC 3464
 * report whose diagnostic is one of the rule set's fixed templates.
 */
final class ReceivingSesBounce implements BounceFormat {

	/** The bounce templates of SES receipt rules, by what they mean. */
	private static final List<Map.Entry<Reason, List<String>>> TEMPLATES = List.of(
			Map.entry(Reason.FILTERED, List.of("Mailbox does not exist")),
			Map.entry(Reason.MESGTOOBIG, List.of("Message too large")),
			Map.entry(Reason.MAILBOXFULL, List.of("Mailbox full")),
			Map.entry(Reason.CONTENTERROR, List.of("Message content rejected")));

	private final DeliveryStatusReport report = new DeliveryStatusReport();

	@Override
	public List<RecipientFinding> read(MailMessage message) {
		if (!message.headers().has("x-ses-outgoing")
				|| !message.readableText().contains("This message could not be delivered.")) {
			return List.of();
		}
		List<RecipientFinding> found = this.report.read(message);
		for (RecipientFinding f : found) {
			for (Map.Entry<Reason, List<String>> e : TEMPLATES) {
				if (SmtpText.containsAny(f.diagnostic, e.getValue())) {
					f.reason = e.getKey();
					break;
				}
			}
		}
		return found;
	}

}
