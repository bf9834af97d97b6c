package io.mailroom.bounce;

import java.util.regex.Pattern;

/**
 * Yahoo! Mail's "Sorry, we were unable to deliver your message to the following address."
 * A remote reply that names the recipient was a refusal at RCPT.
 */
final class YahooBounce extends TextBounce {

	private static final Pattern ANGLE_ADDRESS = Pattern.compile("<[^<>\\s]+@[^<>\\s]+>");

	@Override
	boolean recognises(MailMessage message) {
		return message.headers().has("x-ymailisg");
	}

	@Override
	void refine(RecipientFinding f, MailMessage message) {
		if (f.command.isEmpty() && ANGLE_ADDRESS.matcher(f.diagnostic).find()) {
			f.command = "RCPT";
		}
		super.refine(f, message);
	}

}
