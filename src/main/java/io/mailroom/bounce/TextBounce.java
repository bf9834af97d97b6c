package io.mailroom.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Base of the bounce families that write prose instead of an RFC 3464 report. A family says how
 * to recognise its bounces and what its wording means; finding the failed addresses in the prose
 * and the text that goes with each is shared.
 */
abstract class TextBounce implements BounceFormat {

	/** Addresses in these places are aliases, senders or envelope details, not failed recipients. */
	private static final Pattern NOT_RECIPIENTS = Pattern.compile(
			"(?im)(?:(?:expanded|generated) from|may not follow|forwarded from|sender:?|mail from:?)\\s*[<(]?\\S+@\\S+|^\\s*(?:from|to|cc|reply-to|sender|return-path):.*$");

	@Override
	public final List<RecipientFinding> read(MailMessage message) {
		if (!recognises(message)) {
			return List.of();
		}
		String prose = prose(message);
		List<RecipientFinding> found = recipients(message, prose);
		if (readsAttachedReport()) {
			mergeReport(message, found);
		}
		for (RecipientFinding f : found) {
			if (f.command.isEmpty()) {
				f.command = SmtpCommands.find(f.diagnostic);
			}
			if (f.remoteMta.isEmpty()) {
				f.remoteMta = remoteHost(f.diagnostic);
			}
			refine(f, message);
		}
		return found;
	}

	/** "host mx.example.org [192.0.2.1]" or "mx.example.org [192.0.2.1] said": the refusing host. */
	private static final Pattern REMOTE_HOST = Pattern.compile(
			"(?i)\\bhost[:\\s]+([a-z0-9][a-z0-9.-]*\\.[a-z]{2,})\\b|\\b([a-z0-9][a-z0-9.-]*\\.[a-z]{2,})\\s*\\[\\d{1,3}(?:\\.\\d{1,3}){3}\\]");

	static String remoteHost(String diagnostic) {
		java.util.regex.Matcher m = REMOTE_HOST.matcher(diagnostic);
		if (!m.find()) {
			return "";
		}
		return m.group(1) != null ? m.group(1) : m.group(2);
	}

	/** Whether the message is one of this family's. */
	abstract boolean recognises(MailMessage message);

	/** The family's wording: sets the command, a reason or a status the prose implies. */
	void refine(RecipientFinding finding, MailMessage message) {
		finding.reason = TextReasons.of(finding.diagnostic, finding.command, message);
	}

	/** Whether the family's status comes from the RFC 3464 report it attaches, when it does. */
	boolean readsAttachedReport() {
		return false;
	}

	/** The part of the bounce that explains the failure. */
	String prose(MailMessage message) {
		return ProseScan.beforeReturnedMessage(message.readableText());
	}

	/**
	 * The failed addresses: X-Failed-Recipients when present, else those in the prose other than
	 * the bounce's own correspondents and mail-system addresses; each with the text beside it.
	 */
	List<RecipientFinding> recipients(MailMessage message, String prose) {
		List<String> own = new ArrayList<>();
		for (String header : new String[] { "from", "to", "reply-to", "return-path" }) {
			own.addAll(Addresses.all(message.headers().first(header)));
		}
		own.addAll(Addresses.all(originalSender(message)));
		List<String> candidates = new ArrayList<>();
		for (String failed : message.headers().all("x-failed-recipients")) {
			candidates.addAll(Addresses.all(failed));
		}
		if (candidates.isEmpty()) {
			candidates.addAll(Addresses.all(NOT_RECIPIENTS.matcher(prose).replaceAll(" ")));
		}
		List<String> others = candidates.stream()
			.filter(a -> !Addresses.isSystem(a) && own.stream().noneMatch(o -> Addresses.same(o, a)))
			.toList();
		if (others.isEmpty()) {
			// anonymised corpora and self-sent tests bounce back to the sender's own address
			others = candidates.stream().filter(a -> !Addresses.isSystem(a)).limit(1).toList();
		}
		if (others.isEmpty()) {
			// a message to postmaster@ bounces too
			others = candidates.stream().limit(1).toList();
		}
		List<RecipientFinding> found = new ArrayList<>();
		for (String a : others) {
			if (found.stream().anyMatch(f -> Addresses.same(f.recipient, a))) {
				continue;
			}
			RecipientFinding f = new RecipientFinding(a);
			f.diagnostic = ProseScan.paragraphAbout(prose, a);
			found.add(f);
		}
		if (found.size() == 1 && saysNothing(found.get(0).diagnostic, message)) {
			// the explanation is elsewhere in the prose ("Error message below: 550 ...")
			found.get(0).diagnostic = SmtpText.sweep(prose);
		}
		return found;
	}

	/**
	 * Some of these MTAs attach an RFC 3464 report as well; its status and remote host complete
	 * what the prose says about the same address.
	 */
	private static void mergeReport(MailMessage message, List<RecipientFinding> found) {
		String report = DeliveryStatusReport.reportText(message);
		if (report == null) {
			return;
		}
		List<RecipientFinding> reported = DeliveryStatusReport.parse(report);
		for (int i = 0; i < reported.size(); i++) {
			RecipientFinding fields = reported.get(i);
			RecipientFinding f = found.stream().filter(o -> Addresses.same(o.recipient, fields.recipient)).findFirst()
				// else the same place, when both list as many recipients (anonymised or rewritten addresses)
				.orElse(reported.size() == found.size() ? found.get(i) : null);
			if (f == null) {
				continue;
			}
			if (f.status.isEmpty()) {
				f.status = fields.status;
			}
			if (f.remoteMta.isEmpty()) {
				f.remoteMta = fields.remoteMta;
			}
			if (f.action.isEmpty()) {
				f.action = fields.action;
			}
			if (f.diagnostic.isBlank()) {
				f.diagnostic = fields.diagnostic;
			}
		}
	}

	private static boolean saysNothing(String diagnostic, MailMessage message) {
		return diagnostic.isBlank() || EnhancedStatus.findReplyCode(diagnostic, "").isEmpty()
				&& EnhancedStatus.find(diagnostic, "").isEmpty()
				&& ReasonRules.match(diagnostic.toLowerCase(java.util.Locale.ROOT)) == null
				&& TextReasons.of(diagnostic, "", message) == null;
	}

	private static String originalSender(MailMessage message) {
		String returned = message.returnedMessage();
		if (returned.isEmpty()) {
			return "";
		}
		return MailMessage.parseHeaders(returned.split("\n\n", 2)[0]).first("from");
	}

}
