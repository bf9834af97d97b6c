package io.mailroom.bounce;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Exim's bounces ("Mail delivery failed: returning message to sender") and those of its
 * derivatives (McAfee SaaS/MXLogic, Mail.ru, 1&1). The wording comes from Exim's deliver.c,
 * route.c and transports, which sisimai catalogues.
 */
final class EximBounce extends TextBounce {

	private static final List<String> SUBJECTS = List.of("Delivery Status Notification", "Mail delivery failed",
			"Mail failure", "Message frozen", "Warning: message ", "error(s) in forwarding or filtering");

	/** Exim's own messages, by the reason they mean. */
	private static final List<Map.Entry<Reason, List<String>>> MESSAGES = List.of(
			Map.entry(Reason.USERUNKNOWN, List.of("user not found")),
			Map.entry(Reason.HOSTUNKNOWN, List.of("all host address lookups failed permanently",
					"all relevant mx records point to non-existent hosts", "unrouteable address")),
			Map.entry(Reason.MAILBOXFULL, List.of("mailbox is full", "error: quota exceed")),
			Map.entry(Reason.NOTACCEPT, List.of("an mx or srv record indicated no smtp service",
					"no host found for existing smtp connection")),
			Map.entry(Reason.SYNTAXERROR, List.of("angle-brackets nested too deep", "expected word or \"<\"",
					"domain missing in source-routed address", "malformed address:")),
			Map.entry(Reason.SYSTEMERROR, List.of("delivery to file forbidden", "delivery to pipe forbidden",
					"local delivery failed", "lmtp error after ")),
			Map.entry(Reason.CONTENTERROR, List.of("too many \"received\" headers")));

	/** Exim's words for a message it kept retrying and gave up on, or is still retrying. */
	private static final List<String> DELAYED = List.of("retry timeout exceeded", "no action is required on your part",
			"retry time not reached for any host after a long failure period",
			"all hosts have been failing for a long time and were last tried", "delay reason: ", "has been frozen",
			"was frozen on arrival by ");

	@Override
	boolean recognises(MailMessage message) {
		MailMessage.Headers h = message.headers();
		String messageId = h.first("message-id").trim();
		if (h.has("x-mx-bounce") || h.has("x-mxl-hash") || h.has("x-mxl-notehash") || messageId.contains("<mxl~")) {
			return true;
		}
		int score = 0;
		if (message.from().contains("Mail Delivery System")) {
			score++;
		}
		// Exim's queue ids: <1P1YNN-0003AD-Ga@example.org>
		if (messageId.startsWith("<") && messageId.indexOf('-') == 8 && messageId.indexOf('@') == 18) {
			score++;
		}
		String subject = message.subject();
		if (SUBJECTS.stream().anyMatch(subject::contains)) {
			score++;
		}
		return score >= 2;
	}

	@Override
	void refine(RecipientFinding f, MailMessage message) {
		String lower = f.diagnostic.toLowerCase(Locale.ROOT);
		if (f.command.equals("EHLO") || f.command.equals("HELO")) {
			f.reason = Reason.BLOCKED;
			return;
		}
		if (f.command.equals("MAIL")) {
			// Exim cannot tell why the sender was refused; without a code in the reply the status
			// stays "on hold" while the classifier still names the reason from the wording
			f.reason = Reason.ONHOLD;
			if (EnhancedStatus.find(f.diagnostic, "").isEmpty()) {
				boolean temporary = EnhancedStatus.findReplyCode(f.diagnostic, "").startsWith("4");
				f.status = Reason.ONHOLD.pseudoStatus(temporary);
			}
			return;
		}
		for (Map.Entry<Reason, List<String>> e : MESSAGES) {
			if (SmtpText.containsAny(lower, e.getValue())) {
				f.reason = e.getKey();
				return;
			}
		}
		if (SmtpText.containsAny(lower, DELAYED)) {
			f.reason = Reason.EXPIRED;
			return;
		}
		if (lower.contains("pipe to |")) {
			f.reason = Reason.MAILERERROR;
			return;
		}
		super.refine(f, message);
	}

}
