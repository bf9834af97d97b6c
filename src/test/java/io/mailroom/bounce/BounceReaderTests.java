package io.mailroom.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.mailroom.bounce.BouncedRecipient.Category;
import io.mailroom.bounce.BouncedRecipient.Kind;

class BounceReaderTests {

	private final BounceReader reader = new BounceReader();

	private BounceReport read(String message) {
		return this.reader.read(message.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void readsEachRecipientOfADeliveryStatusReport() {
		BounceReport report = read("""
				From: MAILER-DAEMON@mx.example.net
				To: bounces+tok123@bounce.example.com
				Subject: Undelivered Mail Returned to Sender
				Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

				--b1
				Content-Type: text/plain

				<nobody@example.org>: host mx.example.org said: 550 5.1.1 No such user (in reply to RCPT TO command)

				--b1
				Content-Type: message/delivery-status

				Reporting-MTA: dns; mx.example.net
				Original-Envelope-Id: tok123

				Final-Recipient: rfc822; nobody@example.org
				Action: failed
				Status: 5.1.1
				Remote-MTA: dns; mx.example.org
				Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.org>: No such user

				Final-Recipient: rfc822; full@example.org
				Action: delayed
				Status: 4.2.2
				Diagnostic-Code: smtp; 452 4.2.2 Mailbox full

				--b1
				Content-Type: text/rfc822-headers

				From: app@example.com
				To: nobody@example.org
				Message-ID: <abc.123@example.com>
				Subject: hello

				--b1--
				""");
		assertThat(report.type()).isEqualTo(BounceReport.Type.BOUNCE);
		assertThat(report.originalMessageId()).isEqualTo("abc.123@example.com");
		assertThat(report.verpAddress()).isEqualTo("bounces+tok123@bounce.example.com");
		assertThat(report.recipients()).hasSize(2);
		BouncedRecipient unknown = report.recipients().get(0);
		assertThat(unknown.email()).isEqualTo("nobody@example.org");
		assertThat(unknown.status()).isEqualTo("5.1.1");
		assertThat(unknown.replyCode()).isEqualTo("550");
		assertThat(unknown.remoteMta()).isEqualTo("mx.example.org");
		assertThat(unknown.kind()).isEqualTo(Kind.HARD);
		assertThat(unknown.category()).isEqualTo(Category.USER_UNKNOWN);
		BouncedRecipient full = report.recipients().get(1);
		assertThat(full.action()).isEqualTo("delayed");
		assertThat(full.status()).isEqualTo("4.2.2");
		assertThat(full.kind()).isEqualTo(Kind.SOFT);
		assertThat(full.category()).isEqualTo(Category.MAILBOX_FULL);
	}

	@Test
	void readsADeliveryStatusReportInAMislabelledPart() {
		BounceReport report = read("""
				From: postmaster@mx.example.net
				To: app@example.com
				Subject: Delivery failure
				Content-Type: multipart/mixed; boundary="b2"

				--b2
				Content-Type: text/plain

				Your message could not be delivered.

				--b2
				Content-Type: text/plain

				Final-Recipient: RFC822; gone@example.org
				Action: failed
				Status: 5.1.6
				Diagnostic-Code: smtp; 550 5.1.6 mailbox has moved

				--b2--
				""");
		assertThat(report.recipients()).singleElement().satisfies(r -> {
			assertThat(r.email()).isEqualTo("gone@example.org");
			assertThat(r.status()).isEqualTo("5.1.6");
			assertThat(r.kind()).isEqualTo(Kind.HARD);
		});
	}

	@Test
	void readsAnEximStyleTextBounce() {
		BounceReport report = read("""
				From: Mail Delivery System <Mailer-Daemon@mx.example.net>
				To: app@example.com
				Subject: Mail delivery failed: returning message to sender
				X-Failed-Recipients: missing@example.org

				This message was created automatically by mail delivery software.

				A message that you sent could not be delivered to one or more of its
				recipients. This is a permanent error. The following address(es) failed:

				  missing@example.org
				    host mx.example.org [192.0.2.1]
				    SMTP error from remote mail server after RCPT TO:<missing@example.org>:
				    550 5.1.1 <missing@example.org>: Recipient address rejected: User unknown

				------ This is a copy of the message, including all the headers. ------

				From: app@example.com
				To: missing@example.org
				Message-ID: <m1@example.com>
				""");
		assertThat(report.type()).isEqualTo(BounceReport.Type.BOUNCE);
		assertThat(report.originalMessageId()).isEqualTo("m1@example.com");
		assertThat(report.recipients()).singleElement().satisfies(r -> {
			assertThat(r.email()).isEqualTo("missing@example.org");
			assertThat(r.status()).isEqualTo("5.1.1");
			assertThat(r.kind()).isEqualTo(Kind.HARD);
		});
	}

	@Test
	void readsAQmailStyleBounceWithoutAnyStatusCode() {
		BounceReport report = read("""
				From: MAILER-DAEMON@qmail.example.net
				To: app@example.com
				Subject: failure notice

				Hi. This is the qmail-send program at qmail.example.net.
				I'm afraid I wasn't able to deliver your message to the following addresses.
				This is a permanent error; I've given up. Sorry it didn't work out.

				<ghost@example.org>:
				Sorry, I couldn't find any host named example.org. (#5.1.2)

				--- Below this line is a copy of the message.

				From: app@example.com
				""");
		assertThat(report.recipients()).singleElement().satisfies(r -> {
			assertThat(r.email()).isEqualTo("ghost@example.org");
			assertThat(r.status()).isEqualTo("5.1.2");
			assertThat(r.kind()).isEqualTo(Kind.HARD);
		});
	}

	@Test
	void infersAStatusFromTheWordingWhenThereIsNone() {
		BounceReport report = read("""
				From: MAILER-DAEMON@mx.example.net
				To: app@example.com
				Subject: Warning: message delayed

				<slow@example.org>:
				retry timeout exceeded

				--- Below this line is a copy of the message.
				""");
		assertThat(report.recipients()).singleElement().satisfies(r -> {
			assertThat(r.status()).startsWith("5.0.947");
			assertThat(r.category()).isEqualTo(Category.EXPIRED);
			assertThat(r.kind()).isEqualTo(Kind.SOFT);
		});
	}

	@Test
	void readsAnArfComplaint() {
		BounceReport report = read("""
				From: feedback@isp.example
				To: fbl@example.com
				Subject: complaint
				Content-Type: multipart/report; report-type=feedback-report; boundary="b3"

				--b3
				Content-Type: text/plain

				This is an abuse report.

				--b3
				Content-Type: message/feedback-report

				Feedback-Type: abuse
				User-Agent: isp-fbl/1.0
				Version: 1
				Original-Rcpt-To: <angry@isp.example>

				--b3
				Content-Type: message/rfc822

				From: app@example.com
				To: angry@isp.example
				Message-ID: <sent-1@example.com>

				hello
				--b3--
				""");
		assertThat(report.type()).isEqualTo(BounceReport.Type.COMPLAINT);
		assertThat(report.feedbackType()).isEqualTo("abuse");
		assertThat(report.originalMessageId()).isEqualTo("sent-1@example.com");
		assertThat(report.recipients()).extracting(BouncedRecipient::email).containsExactly("angry@isp.example");
	}

	@Test
	void readsAnAmazonSesComplaintNotification() {
		BounceReport report = read("""
				From: no-reply@sns.amazonaws.com
				To: app@example.com
				Subject: AWS Notification Message

				{"notificationType":"Complaint","complaint":{"complainedRecipients":[{"emailAddress":"angry@example.org"}],"complaintFeedbackType":"abuse"},"mail":{"messageId":"x"}}
				""");
		assertThat(report.type()).isEqualTo(BounceReport.Type.COMPLAINT);
		assertThat(report.feedbackType()).isEqualTo("abuse");
		assertThat(report.recipients()).extracting(BouncedRecipient::email).containsExactly("angry@example.org");
	}

	@Test
	void takesAnAppleMailUnsubscribeForAnOptOutComplaint() {
		BounceReport report = read("""
				From: someone@icloud.example
				To: opt-out-123@example.com
				Subject: unsubscribe
				Auto-Submitted: auto-replied
				X-Apple-Unsubscribe: true

				Apple Mail sent this email to unsubscribe from the message.
				""");
		assertThat(report.type()).isEqualTo(BounceReport.Type.COMPLAINT);
		assertThat(report.feedbackType()).isEqualTo("opt-out");
		assertThat(report.recipients()).extracting(BouncedRecipient::email).containsExactly("someone@icloud.example");
	}

	@Test
	void recognisesAnRfc3834AutoReply() {
		BounceReport report = read("""
				From: Alice <alice@example.org>
				To: app@example.com
				Subject: Out of office: your order
				Auto-Submitted: auto-replied

				I am out of the office until Monday.
				""");
		assertThat(report.type()).isEqualTo(BounceReport.Type.AUTO_REPLY);
	}

	@Test
	void doesNotTakeADsnForAnAutoReplyAlthoughItIsAutoSubmitted() {
		BounceReport report = read("""
				From: MAILER-DAEMON@mx.example.net
				To: app@example.com
				Subject: Undelivered Mail Returned to Sender
				Auto-Submitted: auto-replied

				<x@example.org>: host mx.example.org said: 550 5.1.1 unknown user (in reply to RCPT TO command)
				""");
		assertThat(report.type()).isEqualTo(BounceReport.Type.BOUNCE);
		assertThat(report.recipients()).extracting(BouncedRecipient::email).containsExactly("x@example.org");
	}

	@Test
	void readsAnAmazonSesBounceNotification() {
		BounceReport report = read("""
				From: no-reply@sns.amazonaws.com
				To: app@example.com
				Subject: AWS Notification Message
				Content-Type: text/plain; charset=UTF-8

				{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"General","bouncedRecipients":[{"emailAddress":"nobody@example.org","action":"failed","status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 user unknown"}],"reportingMTA":"dns; a1.amazonses.com"},"mail":{"messageId":"x"}}
				""");
		assertThat(report.recipients()).singleElement().satisfies(r -> {
			assertThat(r.email()).isEqualTo("nobody@example.org");
			assertThat(r.status()).isEqualTo("5.1.1");
			assertThat(r.replyCode()).isEqualTo("550");
			assertThat(r.kind()).isEqualTo(Kind.HARD);
		});
	}

	@Test
	void serialisesWithTheNamesOfTheInboundBouncesResponse() {
		BouncedRecipient r = new BouncedRecipient("x@example.org", "failed", "5.1.1", "550", "no such user",
				"mx.example.org", Kind.HARD, Category.USER_UNKNOWN);
		String json = tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(r);
		assertThat(json).contains("\"kind\":\"hard\"").contains("\"category\":\"user-unknown\"");
		assertThat(tools.jackson.databind.json.JsonMapper.builder().build()
			.writeValueAsString(BounceReport.Type.AUTO_REPLY)).isEqualTo("\"auto-reply\"");
	}

	@Test
	void saysUnknownForAMessageThatIsNoBounce() {
		BounceReport report = read("""
				From: app@example.com
				To: app@example.com
				Subject: hello

				Just text, no address.
				""");
		assertThat(report.type()).isEqualTo(BounceReport.Type.UNKNOWN);
		assertThat(report.recipients()).isEmpty();
	}

}
