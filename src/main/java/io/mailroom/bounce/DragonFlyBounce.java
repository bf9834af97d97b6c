package io.mailroom.bounce;

import java.util.List;

/** The DragonFly Mail Agent (dma): "There was an error delivering your mail to &lt;...&gt;." */
final class DragonFlyBounce extends TextBounce {

	@Override
	boolean recognises(MailMessage message) {
		return message.subject().contains("Mail delivery failed")
				&& message.headers().all("received").stream().anyMatch(r -> r.contains(" (DragonFly Mail Agent"));
	}

	@Override
	void refine(RecipientFinding f, MailMessage message) {
		// dma.c and net.c say only these two things in their own words
		if (f.diagnostic.contains("Could not deliver for the last ")) {
			f.reason = Reason.EXPIRED;
		}
		else if (f.diagnostic.contains("DNS lookup failure: host ")) {
			f.reason = Reason.HOSTUNKNOWN;
		}
		else {
			super.refine(f, message);
		}
	}

	@Override
	String prose(MailMessage message) {
		String text = super.prose(message);
		for (String marker : List.of("Original message follows.", "Message headers follow")) {
			int at = text.indexOf(marker);
			if (at >= 0) {
				text = text.substring(0, at);
			}
		}
		return text;
	}

}
