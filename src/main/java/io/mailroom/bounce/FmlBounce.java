package io.mailroom.bounce;

import java.util.List;
import java.util.Map;

/**
 * The fml mailing-list manager's notices to a list's admin address: a member's post refused, or
 * a loop stopped. The subject names the kind of notice when the body does not.
 */
final class FmlBounce extends TextBounce {

	private static final List<Map.Entry<Reason, List<String>>> MESSAGES = List.of(
			Map.entry(Reason.REJECTED, List.of(" header may cause mail loop", "NOT MEMBER article from ", "reject mail from ",
					"reject spammers:", "You are not a member of this mailing list")),
			Map.entry(Reason.SYSTEMERROR, List.of(" has detected a loop condition so that", "Duplicated Message-ID",
					"Loop Back Warning:")),
			Map.entry(Reason.SECURITYERROR, List.of("Security alert:")));

	private static final List<Map.Entry<Reason, List<String>>> SUBJECTS = List.of(
			Map.entry(Reason.REJECTED, List.of(" are not member", "NOT MEMBER article from ", "reject mail ",
					"Spam mail from a spammer is rejected")),
			Map.entry(Reason.SYSTEMERROR, List.of("fml system error message", "Loop Alert: ", "Loop Back Warning: ",
					"WARNING: UNIX FROM Loop")),
			Map.entry(Reason.SECURITYERROR, List.of("Security Alert")));

	@Override
	boolean recognises(MailMessage message) {
		return message.headers().has("x-mlserver") && message.headers().first("from").contains("-admin@");
	}

	@Override
	String prose(MailMessage message) {
		String text = message.readableText();
		int at = text.indexOf("Original mail as follows:");
		return at < 0 ? super.prose(message) : text.substring(0, at);
	}

	@Override
	void refine(RecipientFinding f, MailMessage message) {
		for (List<Map.Entry<Reason, List<String>>> table : List.of(MESSAGES, SUBJECTS)) {
			String text = table == MESSAGES ? f.diagnostic : message.subject();
			for (Map.Entry<Reason, List<String>> e : table) {
				if (SmtpText.containsAny(text, e.getValue())) {
					f.reason = e.getKey();
					return;
				}
			}
		}
		super.refine(f, message);
	}

}
