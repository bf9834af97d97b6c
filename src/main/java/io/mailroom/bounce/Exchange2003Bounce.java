package io.mailroom.bounce;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Microsoft Exchange 5.5–2003 text NDRs ("Your message … did not reach the following
 * recipient(s)"), whose "MSEXCH:IMS:… (000C05A6) Unknown Recipient" line carries an internal
 * error code.
 */
final class Exchange2003Bounce extends TextBounce {

	private static final Pattern MSEXCH_CODE = Pattern.compile("MSEXCH:.*?\\(([0-9A-F]{8})\\)");

	/** The internal codes Exchange prints and what they mean. */
	private static final Map<String, Reason> CODES = Map.ofEntries(
			Map.entry("000B099C", Reason.ONHOLD), // host unknown, message too big… the remote said more
			Map.entry("000B09AA", Reason.ONHOLD), // unable to relay, message too big…
			Map.entry("000B09B6", Reason.ONHOLD), // error message of the remote MTA
			Map.entry("000C05A6", Reason.USERUNKNOWN),
			Map.entry("00010256", Reason.SYSTEMERROR), // too many recipients
			Map.entry("000D06B5", Reason.SYSTEMERROR), // no proxy for recipient
			Map.entry("00120270", Reason.NETWORKERROR), // too many hops
			Map.entry("00050311", Reason.CONTENTERROR), // conversion to Internet format failed
			Map.entry("000502CC", Reason.CONTENTERROR),
			Map.entry("000B0981", Reason.SECURITYERROR), // 502 server does not support AUTH
			Map.entry("000C0595", Reason.FILTERED)); // ambiguous recipient

	@Override
	boolean recognises(MailMessage message) {
		MailMessage.Headers h = message.headers();
		String mailer = h.first("x-mailer").trim();
		return h.has("x-ms-embedded-report") || mailer.startsWith("Internet Mail Service (")
				|| mailer.startsWith("Microsoft Exchange Server Internet Mail Connector")
				|| h.first("x-mimeole").trim().startsWith("Produced By Microsoft Exchange")
				|| h.all("received").stream().anyMatch(r -> r.contains(" with Internet Mail Service ("));
	}

	@Override
	void refine(RecipientFinding f, MailMessage message) {
		Matcher m = MSEXCH_CODE.matcher(f.diagnostic);
		if (m.find() && CODES.containsKey(m.group(1))) {
			f.reason = CODES.get(m.group(1));
			if (EnhancedStatus.find(f.diagnostic, "").isEmpty()) {
				f.status = f.reason.pseudoStatus(false);
			}
			return;
		}
		super.refine(f, message);
	}

}
