package io.mailroom.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads inbound bounce messages: RFC 3464 delivery status notifications, ARF complaints,
 * auto-replies and the common non-standard bounce layouts. Pure Java; no I/O beyond the bytes
 * given. Thread-safe.
 */
public final class BounceReader {

	/** Tried in order; the first family that recognises the message reads it. */
	private final List<BounceFormat> formats = formats();

	private static List<BounceFormat> formats() {
		List<BounceFormat> formats = new ArrayList<>();
		formats.add(new AmazonSesNotification());
		formats.add(new PostfixSessionTranscript());
		// families whose prose says more than the RFC 3464 report they may attach
		formats.add(new OpenSmtpdBounce());
		formats.add(new EzwebBounce());
		formats.add(new DominoBounce());
		formats.add(new McAfeeBounce());
		formats.add(new ReceivingSesBounce());
		formats.add(new DeliveryStatusReport());
		// text bounces, most distinctive first
		formats.add(new EximBounce());
		formats.add(new YahooBounce());
		formats.add(new QmailBounce());
		formats.add(new GmailBounce());
		formats.add(new DragonFlyBounce());
		formats.add(new FmlBounce());
		formats.add(new Exchange2003Bounce());
		formats.add(new IMailServerBounce());
		formats.add(new NotesBounce());
		formats.add(new SendmailTranscript());
		formats.addAll(VendorBounce.ALL);
		formats.add(new PlainTextBounce());
		return List.copyOf(formats);
	}

	private final BounceClassifier classifier;

	public BounceReader() {
		this(new BounceClassifier());
	}

	public BounceReader(BounceClassifier classifier) {
		this.classifier = classifier;
	}

	public BounceReport read(byte[] rawMessage) {
		BounceReport report = read(MailMessage.parse(rawMessage));
		if (report.recipients().isEmpty()) {
			// a bounce forwarded by a relay or a helpdesk: the real report is the attached message
			MailMessage attached = MailMessage.parseAttached(rawMessage);
			if (attached != null) {
				BounceReport inner = read(attached);
				if (!inner.recipients().isEmpty()) {
					return inner;
				}
			}
		}
		return report;
	}

	private BounceReport read(MailMessage message) {
		String originalMessageId = originalMessageId(message);
		String verp = verpAddress(message);
		if (FeedbackReport.isComplaint(message)) {
			return complaint(message, originalMessageId, verp);
		}
		if (AutoReply.isAutoReply(message)) {
			return autoReply(message, originalMessageId, verp);
		}
		return bounce(message, originalMessageId, verp);
	}

	private static BounceReport complaint(MailMessage message, String originalMessageId, String verp) {
		FeedbackReport.Complaint complaint = FeedbackReport.read(message);
		List<BouncedRecipient> recipients = new ArrayList<>();
		for (String r : complaint.recipients()) {
			// the message was delivered; the recipient objected to it
			recipients.add(new BouncedRecipient(r, "delivered", "", "", "complaint: " + complaint.feedbackType(), "",
					BouncedRecipient.Kind.SOFT, BouncedRecipient.Category.OTHER));
		}
		return new BounceReport(BounceReport.Type.COMPLAINT, recipients, originalMessageId, verp,
				complaint.feedbackType());
	}

	private static BounceReport autoReply(MailMessage message, String originalMessageId, String verp) {
		List<BouncedRecipient> recipients = new ArrayList<>();
		String from = Addresses.first(message.headers().first("from"));
		if (!from.isEmpty()) {
			recipients.add(new BouncedRecipient(from, "delivered", "2.0.0", "", SmtpText.sweep(message.subject()), "",
					BouncedRecipient.Kind.SOFT, BouncedRecipient.Category.OTHER));
		}
		return new BounceReport(BounceReport.Type.AUTO_REPLY, recipients, originalMessageId, verp, null);
	}

	private BounceReport bounce(MailMessage message, String originalMessageId, String verp) {
		for (BounceFormat format : this.formats) {
			List<RecipientFinding> findings = format.read(message);
			if (findings.isEmpty()) {
				continue;
			}
			List<BouncedRecipient> recipients = new ArrayList<>();
			for (RecipientFinding f : findings) {
				recipients.add(this.classifier.classify(f));
			}
			return new BounceReport(typeOf(recipients), recipients, originalMessageId, verp, null);
		}
		return new BounceReport(BounceReport.Type.UNKNOWN, List.of(), originalMessageId, verp, null);
	}

	private static BounceReport.Type typeOf(List<BouncedRecipient> recipients) {
		boolean anyFailed = recipients.stream().anyMatch(r -> r.status().startsWith("5"));
		boolean anyDelayed = recipients.stream().anyMatch(r -> r.status().startsWith("4"));
		if (anyFailed) {
			return BounceReport.Type.BOUNCE;
		}
		return anyDelayed ? BounceReport.Type.DELAY : BounceReport.Type.BOUNCE;
	}

	private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^message-id:\\s*(?:\\n\\s+)?<?([^<>\\s]+@[^<>\\s]+?)>?\\s*$");

	/** The Message-ID of the returned message, when the bounce quotes its headers. */
	private static String originalMessageId(MailMessage message) {
		String returned = message.returnedMessage();
		Matcher m = MESSAGE_ID.matcher(returned);
		if (m.find()) {
			return m.group(1);
		}
		String body = message.body();
		m = MESSAGE_ID.matcher(body);
		return m.find() ? m.group(1) : null;
	}

	/**
	 * Where the bounce was delivered to: that address carries the VERP token. A tagged address
	 * ("bounces+…@") wins over the others; a report whose Original-Envelope-Id is not an address
	 * (an ENVID set at sending) yields that id when no header names an address.
	 */
	private static String verpAddress(MailMessage message) {
		List<String> candidates = new ArrayList<>();
		for (String header : new String[] { "x-original-to", "delivered-to", "envelope-to", "x-envelope-to", "to" }) {
			for (String v : message.headers().all(header)) {
				candidates.addAll(Addresses.all(v));
			}
		}
		String envelopeId = "";
		String report = DeliveryStatusReport.reportText(message);
		if (report != null) {
			envelopeId = MailMessage.parseHeaders(report.trim()).first("original-envelope-id").trim();
			candidates.addAll(Addresses.all(envelopeId));
		}
		for (String c : candidates) {
			if (c.contains("+")) {
				return c;
			}
		}
		if (!candidates.isEmpty()) {
			return candidates.get(0);
		}
		return envelopeId.isEmpty() ? null : envelopeId;
	}


}
