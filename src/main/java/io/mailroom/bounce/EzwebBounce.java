package io.mailroom.bounce;

import java.util.List;
import java.util.Map;

/**
 * au (KDDI) EZweb's "Mail System Error - Returned Mail": an English sentence above the address
 * says why ("The user(s) account is disabled."), often beside Japanese text.
 */
final class EzwebBounce extends TextBounce {

	private static final List<Map.Entry<Reason, List<String>>> MESSAGES = List.of(
			Map.entry(Reason.MAILBOXFULL, List.of("The user(s) account is temporarily over quota")),
			Map.entry(Reason.SUSPEND, List.of("The user(s) account is disabled.", "The user(s) account is temporarily limited.")),
			Map.entry(Reason.EXPIRED, List.of("Your message was not delivered within ")),
			Map.entry(Reason.ONHOLD, List.of("Each of the following recipients was rejected by a remote mail server")));

	@Override
	boolean recognises(MailMessage message) {
		MailMessage.Headers h = message.headers();
		String from = h.first("from");
		String messageId = h.first("message-id").trim();
		int score = 0;
		score += from.contains("Postmaster@ezweb.ne.jp") || from.contains("Postmaster@au.com") ? 1 : 0;
		score += message.subject().equals("Mail System Error - Returned Mail") ? 1 : 0;
		score += h.all("received").stream().anyMatch(r -> r.contains("ezweb.ne.jp (EZweb Mail) with") || r.contains(".au.com ("))
				? 1 : 0;
		score += messageId.endsWith(".ezweb.ne.jp>") || messageId.endsWith(".au.com>") ? 1 : 0;
		return score >= 2;
	}

	@Override
	boolean readsAttachedReport() {
		return true;
	}

	@Override
	void refine(RecipientFinding f, MailMessage message) {
		if (message.headers().first("x-spasign").trim().equals("NG")) {
			f.reason = Reason.FILTERED; // EZweb's spam filter marks what it refused
			return;
		}
		// EZweb states the reason once, above the list of addresses
		String prose = prose(message);
		f.command = prose.contains(" >>> ") ? SmtpCommands.find(prose.substring(prose.indexOf(" >>> "))) : "";
		if (f.command.equals("RCPT")) {
			f.reason = Reason.USERUNKNOWN;
			return;
		}
		for (Map.Entry<Reason, List<String>> e : MESSAGES) {
			if (SmtpText.containsAny(prose, e.getValue())) {
				f.reason = e.getKey();
				return;
			}
		}
		super.refine(f, message);
	}

}
