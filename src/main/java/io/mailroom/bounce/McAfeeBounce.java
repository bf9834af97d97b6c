package io.mailroom.bounce;

import java.util.regex.Pattern;

/**
 * McAfee Email Gateway's "Delivery Status" notices ("&lt;user@example.org&gt; (User unknown ...)"),
 * an RFC 3464 report attached. McAfee words an unknown recipient several ways.
 */
final class McAfeeBounce extends TextBounce {

	private static final Pattern UNKNOWN_USER = Pattern.compile(
			" User \\(.+@.+\\) unknown\\. |550 Unknown user [^ ]+@[^ ]+|550 <.+?@.+?>\\.+ User not exist|No such user");

	@Override
	boolean recognises(MailMessage message) {
		return message.headers().first("x-nai-header").contains("Modified by McAfee")
				&& message.subject().trim().equals("Delivery Status");
	}

	@Override
	boolean readsAttachedReport() {
		return true;
	}

	@Override
	void refine(RecipientFinding f, MailMessage message) {
		if (UNKNOWN_USER.matcher(f.diagnostic).find()) {
			f.reason = Reason.USERUNKNOWN;
			return;
		}
		super.refine(f, message);
	}

}
