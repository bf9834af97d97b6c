package io.mailroom.bounce;

import java.util.List;
import java.util.Map;

/**
 * IBM (Lotus) Domino's "DELIVERY FAILURE:" notices: "Your message … was not delivered to:
 * &lt;address&gt; because: &lt;reason&gt;", with an RFC 3464 report attached.
 */
final class DominoBounce extends TextBounce {

	private static final List<Map.Entry<Reason, List<String>>> MESSAGES = List.of(
			Map.entry(Reason.USERUNKNOWN, List.of("not listed in Domino Directory", "not listed in public Name & Address Book",
					"Domino ディレクトリには見つかりません")),
			Map.entry(Reason.FILTERED, List.of("Cannot route mail to user")),
			Map.entry(Reason.SYSTEMERROR, List.of("Several matches found in Domino Directory")));

	@Override
	boolean recognises(MailMessage message) {
		return message.subject().startsWith("DELIVERY FAILURE:");
	}

	@Override
	boolean readsAttachedReport() {
		return true;
	}

	@Override
	List<RecipientFinding> recipients(MailMessage message, String prose) {
		List<RecipientFinding> found = super.recipients(message, prose);
		int because = prose.indexOf("because:");
		if (because >= 0) {
			String reason = SmtpText.sweep(prose.substring(because + "because:".length()).split("\n\\s*\n\\s*\n")[0]);
			for (RecipientFinding f : found) {
				f.diagnostic = reason;
			}
		}
		return found;
	}

	@Override
	void refine(RecipientFinding f, MailMessage message) {
		for (Map.Entry<Reason, List<String>> e : MESSAGES) {
			if (SmtpText.containsAny(f.diagnostic, e.getValue())) {
				f.reason = e.getKey();
				if (f.status.isEmpty()) {
					f.status = e.getKey().pseudoStatus(false);
				}
				return;
			}
		}
		super.refine(f, message);
	}

}
