package io.mailroom.bounce;

import java.util.List;
import java.util.Map;

/** Lotus Notes' "Undeliverable message": the reason is listed under "Failure Reasons". */
final class NotesBounce extends TextBounce {

	private static final List<Map.Entry<Reason, List<String>>> MESSAGES = List.of(
			Map.entry(Reason.USERUNKNOWN, List.of("User not listed in public Name & Address Book", "ディレクトリのリストにありません")),
			Map.entry(Reason.NETWORKERROR, List.of("Message has exceeded maximum hop count")));

	@Override
	boolean recognises(MailMessage message) {
		return message.subject().startsWith("Undeliverable message");
	}

	@Override
	String prose(MailMessage message) {
		String text = message.readableText();
		int end = text.indexOf("------- Returned Message --------");
		return end < 0 ? super.prose(message) : text.substring(0, end);
	}

	@Override
	List<RecipientFinding> recipients(MailMessage message, String prose) {
		List<RecipientFinding> found = super.recipients(message, prose);
		int reasons = prose.indexOf("------- Failure Reasons");
		if (reasons >= 0 && found.size() == 1) {
			// the reason comes before the address in this layout
			found.get(0).diagnostic = SmtpText.sweep(prose.substring(prose.indexOf('\n', reasons) + 1)
				.replace(found.get(0).recipient, " "));
		}
		return found;
	}

	@Override
	void refine(RecipientFinding f, MailMessage message) {
		for (Map.Entry<Reason, List<String>> e : MESSAGES) {
			if (SmtpText.containsAny(f.diagnostic, e.getValue())) {
				f.reason = e.getKey();
				f.status = e.getKey().pseudoStatus(false);
				return;
			}
		}
		super.refine(f, message);
	}

}
