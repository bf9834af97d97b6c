package io.mailroom.bounce;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Small providers whose text bounces differ from the generic layout only in a few fixed
 * sentences: each is recognised by its headers and has its own vocabulary. Bigger families have
 * their own classes.
 */
final class VendorBounce extends TextBounce {

	/** Verizon's vtext.com and vzwpix.com gateways, BIGLOBE, and au by KDDI (dion, au.com). */
	static final List<VendorBounce> ALL = List.of(
			new VendorBounce("Verizon",
					m -> m.headers().all("received").stream().anyMatch(r -> r.contains(".vtext.com ("))
							&& (m.from().contains("post_master@vtext.com") || m.from().contains(".vzwpix.com")),
					List.of(Map.entry(Reason.USERUNKNOWN, List.of("550 - Requested action not taken: no such user here",
							"No valid recipients for this MM")))),
			new VendorBounce("BIGLOBE",
					m -> m.from().contains("postmaster@") && m.subject().startsWith("Returned mail:")
							&& List.of("@biglobe.ne.jp", "@inacatv.ne.jp", "@tmtv.ne.jp", "@ttv.ne.jp").stream()
								.anyMatch(m.from()::contains),
					List.of(Map.entry(Reason.FILTERED, List.of("Mail Delivery Failed... User unknown")),
							Map.entry(Reason.MAILBOXFULL,
									List.of("The number of messages in recipient's mailbox exceeded the local limit.")))),
			new VendorBounce("au by KDDI",
					m -> SmtpText.aligned(m.from(), "no-reply@.", ".dion.ne.jp")
							|| m.headers().first("reply-to").trim().equals("no-reply@app.auone-net.jp"),
					List.of(Map.entry(Reason.MAILBOXFULL, List.of("As their mailbox is full")),
							Map.entry(Reason.NORELAYING, List.of("Due to the following SMTP relay error")),
							Map.entry(Reason.HOSTUNKNOWN, List.of("As the remote domain doesnt exist")))));

	private final String name;

	private final Predicate<MailMessage> recogniser;

	private final List<Map.Entry<Reason, List<String>>> vocabulary;

	private VendorBounce(String name, Predicate<MailMessage> recogniser, List<Map.Entry<Reason, List<String>>> vocabulary) {
		this.name = name;
		this.recogniser = recogniser;
		this.vocabulary = vocabulary;
	}

	@Override
	boolean recognises(MailMessage message) {
		return this.recogniser.test(message);
	}

	@Override
	void refine(RecipientFinding f, MailMessage message) {
		if (message.headers().first("x-spasign").trim().equals("NG")) {
			f.reason = Reason.FILTERED; // Japanese carriers' spam filter marks what it refused
			return;
		}
		for (Map.Entry<Reason, List<String>> e : this.vocabulary) {
			if (SmtpText.containsAny(f.diagnostic, e.getValue())) {
				f.reason = e.getKey();
				return;
			}
		}
		super.refine(f, message);
	}

	@Override
	public String toString() {
		return this.name;
	}

}
