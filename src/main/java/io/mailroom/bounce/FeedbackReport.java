package io.mailroom.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * RFC 5965 abuse reports (ARF): a {@code message/feedback-report} part naming the complained-about
 * message. The complaining recipient is the report's Original-Rcpt-To, else the To of the
 * returned message.
 */
final class FeedbackReport {

	record Complaint(List<String> recipients, String feedbackType) {
	}

	static boolean isComplaint(MailMessage message) {
		String ct = message.headers().first("content-type").toLowerCase(Locale.ROOT);
		return ct.contains("feedback-report") || message.part("message/feedback-report") != null
				|| message.returnedMessage().contains("X-HmXmrOriginalRecipient:");
	}

	static Complaint read(MailMessage message) {
		MailMessage.Part part = message.part("message/feedback-report");
		MailMessage.Headers fields = MailMessage.parseHeaders(part == null ? "" : part.text().trim());
		List<String> recipients = new ArrayList<>();
		for (String rcpt : fields.all("original-rcpt-to")) {
			recipients.addAll(Addresses.all(rcpt));
		}
		if (recipients.isEmpty()) {
			for (String rcpt : fields.all("removal-recipient")) {
				recipients.addAll(Addresses.all(rcpt));
			}
		}
		String returned = message.returnedMessage();
		if (recipients.isEmpty()) {
			// Hotmail's JMRP reports name the complainant in a header of the returned message
			MailMessage.Headers original = MailMessage.parseHeaders(returned.split("\n\n", 2)[0]);
			recipients.addAll(Addresses.all(original.first("x-hmxmroriginalrecipient")));
		}
		if (recipients.isEmpty() && !returned.isEmpty()) {
			MailMessage.Headers original = MailMessage.parseHeaders(returned.split("\n\n", 2)[0]);
			recipients.addAll(Addresses.all(original.first("to")));
		}
		String type = fields.first("feedback-type").trim().toLowerCase(Locale.ROOT);
		return new Complaint(recipients, type.isEmpty() ? "abuse" : type);
	}

}
