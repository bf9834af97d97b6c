package io.mailroom.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import tools.jackson.databind.JsonNode;

/**
 * Complaints. RFC 5965 abuse reports (ARF: a {@code message/feedback-report} part naming the
 * complained-about message), the non-standard reports of Microsoft's JMRP and Amazon SES, and the
 * one-click unsubscribe mails of Apple Mail ({@code X-Apple-Unsubscribe: true}, feedback type
 * {@code opt-out}). The complainant is the report's Original-Rcpt-To, else the To of the returned
 * message.
 */
final class FeedbackReport {

	record Complaint(List<String> recipients, String feedbackType) {
	}

	private FeedbackReport() {
	}

	static boolean isComplaint(MailMessage message) {
		MailMessage.Headers h = message.headers();
		String ct = h.first("content-type").toLowerCase(Locale.ROOT);
		if (ct.contains("feedback-report") || message.part("message/feedback-report") != null
				|| message.returnedMessage().contains("X-HmXmrOriginalRecipient:")) {
			return true;
		}
		String from = message.from().toLowerCase(Locale.ROOT);
		if ((from.contains("staff@hotmail.com") || from.contains("complaints@email-abuse.amazonses.com"))
				&& message.subject().contains("complaint about message from ")) {
			return true;
		}
		return h.first("x-apple-unsubscribe").trim().equalsIgnoreCase("true") || isSesComplaint(message);
	}

	static Complaint read(MailMessage message) {
		if (message.headers().first("x-apple-unsubscribe").trim().equalsIgnoreCase("true")) {
			return new Complaint(Addresses.all(message.headers().first("from")), "opt-out");
		}
		JsonNode ses = AmazonSesNotification.json(message.readableText());
		if (ses != null && isSesComplaint(message)) {
			List<String> recipients = new ArrayList<>();
			for (JsonNode r : ses.path("complaint").path("complainedRecipients").values()) {
				recipients.addAll(Addresses.all(r.path("emailAddress").asString("")));
			}
			String type = ses.path("complaint").path("complaintFeedbackType").asString("abuse");
			return new Complaint(recipients, type.toLowerCase(Locale.ROOT));
		}
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
		MailMessage.Headers original = MailMessage.parseHeaders(returned.split("\n\n", 2)[0]);
		if (recipients.isEmpty()) {
			// Microsoft's JMRP names the complainant in a header of the returned message
			recipients.addAll(Addresses.all(original.first("x-hmxmroriginalrecipient")));
		}
		if (recipients.isEmpty()) {
			// also when the report redacts the address ("Redacted-Address: localpart@", AOL)
			recipients.addAll(Addresses.all(original.first("to")));
		}
		String type = fields.first("feedback-type").trim().toLowerCase(Locale.ROOT);
		return new Complaint(recipients, type.isEmpty() ? "abuse" : type);
	}

	private static boolean isSesComplaint(MailMessage message) {
		JsonNode ses = AmazonSesNotification.json(message.readableText());
		return ses != null && "complaint".equalsIgnoreCase(
				ses.path("notificationType").asString(ses.path("eventType").asString("")));
	}

}
