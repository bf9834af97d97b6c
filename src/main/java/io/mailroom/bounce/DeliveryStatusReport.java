package io.mailroom.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RFC 3464 delivery status notifications: a {@code message/delivery-status} part with one field
 * block per recipient. Also read when the part is mislabelled (text/plain, or the whole body) as
 * long as it has the per-recipient fields, and when a field the report lacks (the diagnostic,
 * the failed SMTP command) is only in the human-readable part.
 */
final class DeliveryStatusReport implements BounceFormat {

	private static final Pattern RECIPIENT_FIELD = Pattern.compile("(?im)^(final|original)-recipient\\s*:");

	private static final Pattern STATUS_FIELD = Pattern.compile("(?im)^(action|status)\\s*:");

	@Override
	public List<RecipientFinding> read(MailMessage message) {
		String report = reportText(message);
		if (report == null) {
			return List.of();
		}
		List<RecipientFinding> found = parse(report);
		String readable = message.readableText();
		SessionTranscript transcript = SessionTranscript.of(readable);
		for (RecipientFinding f : found) {
			String about = ProseScan.paragraphAbout(readable, f.recipient);
			if (f.diagnostic.isBlank() && !about.isEmpty() || saysMore(about, f)) {
				f.diagnostic = about;
			}
			if (transcript != null) {
				transcript.complete(f);
			}
			if (f.command.isEmpty()) {
				f.command = SmtpCommands.find(f.diagnostic);
			}
			if (f.command.isEmpty()) {
				f.command = SmtpCommands.find(about.isEmpty() && found.size() == 1 ? readable : about);
			}
			if (f.action.equals("expired")) {
				// "Action: expired" (SendGrid and others): the retry period ran out, whatever the code
				f.reason = Reason.EXPIRED;
				if (!EnhancedStatus.isSpecific(f.status)) {
					f.status = Reason.EXPIRED.pseudoStatus(f.status.startsWith("4"));
				}
			}
			else if (!EnhancedStatus.isSpecific(f.status)
					&& !EnhancedStatus.isSpecific(EnhancedStatus.find(f.diagnostic, ""))) {
				f.reason = TextReasons.of(f.diagnostic, f.command, message);
			}
		}
		return found;
	}

	/**
	 * Whether the human-readable text has a more specific code than a generic report (Postfix
	 * writes "Status: 5.0.0" but quotes the server's "550 5.1.1 ..." in its prose).
	 */
	private static boolean saysMore(String about, RecipientFinding f) {
		if (about.isEmpty() || EnhancedStatus.isSpecific(f.status) && !f.status.endsWith(".0")) {
			return false;
		}
		String inProse = EnhancedStatus.find(about, "");
		return EnhancedStatus.isSpecific(inProse) && !EnhancedStatus.isSpecific(EnhancedStatus.find(f.diagnostic, ""))
				&& about.length() > f.diagnostic.length();
	}

	static String reportText(MailMessage message) {
		for (MailMessage.Part p : message.parts()) {
			String t = p.contentType();
			if (t.equals("message/delivery-status") || t.equals("message/global-delivery-status")) {
				return p.text();
			}
		}
		for (MailMessage.Part p : message.parts()) {
			if (p.contentType().startsWith("message/rfc822") || p.contentType().startsWith("text/rfc822")) {
				continue;
			}
			if (RECIPIENT_FIELD.matcher(p.text()).find() && STATUS_FIELD.matcher(p.text()).find()) {
				return p.text();
			}
		}
		return null;
	}

	/** Reads the field blocks of a delivery-status body. */
	static List<RecipientFinding> parse(String report) {
		List<RecipientFinding> found = new ArrayList<>();
		MailMessage.Headers fields = null;
		List<MailMessage.Headers> blocks = new ArrayList<>();
		StringBuilder block = new StringBuilder();
		for (String line : (report + "\n").split("\n", -1)) {
			if (line.isBlank() || startsNextRecipient(line, block)) {
				if (!block.isEmpty()) {
					blocks.add(MailMessage.parseHeaders(block.toString()));
					block.setLength(0);
				}
				if (line.isBlank()) {
					continue;
				}
			}
			block.append(line).append('\n');
		}
		for (MailMessage.Headers h : blocks) {
			String recipient = recipient(h);
			if (recipient.isEmpty()) {
				if (fields == null) {
					fields = h;
				}
				continue;
			}
			RecipientFinding f = new RecipientFinding(recipient);
			f.action = h.first("action").toLowerCase(Locale.ROOT).trim();
			f.status = statusOf(h.first("status"));
			String diagnostic = h.first("diagnostic-code");
			int semi = diagnostic.indexOf(';');
			if (semi > 0 && semi < 20 && !diagnostic.substring(0, semi).contains(" ")) {
				f.diagnosticType = diagnostic.substring(0, semi).trim().toUpperCase(Locale.ROOT);
				if (f.diagnosticType.equals("X-POSTFIX")) {
					// Postfix's own wording for what is still an SMTP-level failure
					f.diagnosticType = "SMTP";
				}
				diagnostic = diagnostic.substring(semi + 1);
			}
			f.diagnostic = diagnostic.trim();
			String mta = h.first("remote-mta");
			f.remoteMta = mta.contains(";") ? mta.substring(mta.indexOf(';') + 1).trim() : mta.trim();
			if (f.status.isEmpty() && h.first("status").matches("\\s*[245]\\d\\d\\b.*")) {
				f.replyCode = h.first("status").trim().substring(0, 3);
			}
			found.add(f);
		}
		return merge(found);
	}

	/** Some MTAs repeat a recipient's block; keep one per address, the later, fuller one winning. */
	private static List<RecipientFinding> merge(List<RecipientFinding> found) {
		List<RecipientFinding> out = new ArrayList<>();
		for (RecipientFinding f : found) {
			RecipientFinding same = null;
			for (RecipientFinding o : out) {
				if (Addresses.same(o.recipient, f.recipient)) {
					same = o;
				}
			}
			if (same == null) {
				out.add(f);
			}
			else if (same.diagnostic.isBlank() && !f.diagnostic.isBlank()) {
				out.set(out.indexOf(same), f);
			}
		}
		return out;
	}

	private static final Pattern PER_RECIPIENT_FIELD = Pattern.compile("(?im)^(action|status|diagnostic-code)\\s*:");

	/**
	 * Reports that omit the blank line between recipients: a recipient field starts the next
	 * recipient when the current one already has that field, or already has its status fields
	 * (Original-Recipient may come before or after Final-Recipient).
	 */
	private static boolean startsNextRecipient(String line, StringBuilder block) {
		boolean isFinal = line.regionMatches(true, 0, "Final-Recipient:", 0, 16);
		boolean isOriginal = line.regionMatches(true, 0, "Original-Recipient:", 0, 19);
		if (!isFinal && !isOriginal || !RECIPIENT_FIELD.matcher(block).find()) {
			return false;
		}
		String lower = block.toString().toLowerCase(java.util.Locale.ROOT);
		boolean repeated = isFinal ? lower.contains("final-recipient:") : lower.contains("original-recipient:");
		return repeated || PER_RECIPIENT_FIELD.matcher(block).find();
	}

	private static final Pattern STATUS = Pattern.compile("([245])\\.(\\d{1,3})\\.(\\d{1,3})");

	static String statusOf(String field) {
		Matcher m = STATUS.matcher(field);
		return m.find() ? m.group() : "";
	}

	private static String recipient(MailMessage.Headers h) {
		for (String name : new String[] { "final-recipient", "original-recipient", "x-actual-recipient" }) {
			String v = h.first(name);
			if (v.isEmpty()) {
				continue;
			}
			String value = v.contains(";") ? v.substring(v.indexOf(';') + 1) : v;
			String a = Addresses.first(value);
			if (!a.isEmpty()) {
				return a;
			}
		}
		return "";
	}

}
