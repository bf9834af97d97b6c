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

	/** Where Exim's own explanation begins (deliver.c). */
	private static final List<String> STARTS = List.of("This message was created automatically by mail delivery software.",
			"A message that you sent was rejected by the local scannning code",
			"A message that you sent contained one or more recipient addresses ",
			"A message that you sent could not be delivered to all of its recipients", " has been frozen",
			" was frozen on arrival", " router encountered the following error(s):");

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

	/**
	 * Exim lists each failed address indented by two spaces, its error on the lines below:
	 * "  user@example.org" or "  alias@example.org &lt;user@example.org&gt;: error".
	 */
	@Override
	List<RecipientFinding> recipients(MailMessage message, String prose) {
		boolean thirdParty = message.headers().has("x-mx-bounce") || message.headers().has("x-mxl-hash");
		List<RecipientFinding> found = new java.util.ArrayList<>();
		RecipientFinding current = null;
		// Mail.ru and others put a translation first; Exim's own text starts with one of these
		int start = -1;
		for (String marker : STARTS) {
			int at = prose.indexOf(marker);
			if (at >= 0 && (start < 0 || at < start)) {
				start = at;
			}
		}
		for (String line : prose.substring(Math.max(0, start)).split("\n")) {
			if (isRecipientLine(line, thirdParty)) {
				int open = line.indexOf('<');
				int close = line.indexOf(">:");
				String address;
				String rest = "";
				if (open > 1 && close > open) {
					address = Addresses.first(line.substring(open, close + 1));
					rest = line.substring(close + 2);
				}
				else {
					address = Addresses.first(line);
				}
				if (address.isEmpty() || found.stream().anyMatch(f -> Addresses.same(f.recipient, address))) {
					current = null;
					continue;
				}
				current = new RecipientFinding(address);
				current.diagnostic = rest.trim();
				found.add(current);
			}
			else if (current != null && !line.isBlank() && line.startsWith(" ")) {
				current.diagnostic = (current.diagnostic + " " + line.trim()).trim();
			}
			else if (current != null && line.isBlank() && !current.diagnostic.isEmpty()) {
				current = null; // the paragraph after the list is Exim's boilerplate
			}
		}
		return found.isEmpty() ? super.recipients(message, prose) : found;
	}

	private static boolean isRecipientLine(String line, boolean thirdParty) {
		return line.startsWith("  ") && line.length() > 3 && line.charAt(2) != ' ' && line.indexOf('@') > 2
				&& line.indexOf('.') > 2 && !line.contains("pipe to |") && (thirdParty || line.charAt(2) != '<')
				&& !line.trim().startsWith("(") && !SmtpText.containsAny(line.toLowerCase(Locale.ROOT),
						List.of("smtp error from", "host ", "generated by", "said:"));
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
