package io.mailroom.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.mailroom.bounce.BouncedRecipient.Category;
import io.mailroom.bounce.BouncedRecipient.Kind;

/** One small made-up bounce per text family, each showing what the family's wording decides. */
class TextBounceFamiliesTests {

	private final BounceReader reader = new BounceReader();

	private BouncedRecipient onlyRecipient(String message) {
		BounceReport report = this.reader.read(message.getBytes(StandardCharsets.UTF_8));
		assertThat(report.recipients()).hasSize(1);
		return report.recipients().get(0);
	}

	@Test
	void eximKeepsOnHoldWhenTheSenderWasRefusedWithoutACode() {
		BouncedRecipient r = onlyRecipient("""
				From: Mail Delivery System <Mailer-Daemon@mx.example.net>
				To: app@example.com
				Subject: Mail delivery failed: returning message to sender
				Message-Id: <E1P1YNN-0003AD-Ga@mx.example.net>

				This message was created automatically by mail delivery software.

				A message that you sent could not be delivered to one or more of its
				recipients. This is a permanent error. The following address(es) failed:

				  someone@example.org
				    host mx.example.org [192.0.2.2]
				    SMTP error from remote mail server after MAIL FROM:<app@example.com> SIZE=1234:
				    550 Unfortunately, messages from 203.0.113.2 weren't sent.

				------ This is a copy of the message, including all the headers. ------
				""");
		assertThat(r.status()).isEqualTo("5.0.901");
		assertThat(r.kind()).isEqualTo(Kind.SOFT);
		assertThat(r.remoteMta()).isEqualTo("mx.example.org");
	}

	@Test
	void eximSaysWhenItGaveUpRetrying() {
		BouncedRecipient r = onlyRecipient("""
				From: Mail Delivery System <Mailer-Daemon@mx.example.net>
				To: app@example.com
				Subject: Mail delivery failed: returning message to sender

				A message that you sent could not be delivered to one or more of its
				recipients. This is a permanent error. The following address(es) failed:

				  slow@example.org
				    retry timeout exceeded
				""");
		assertThat(r.category()).isEqualTo(Category.EXPIRED);
	}

	@Test
	void qmailReadsARefusedRecipientAsAnUnknownUser() {
		BouncedRecipient r = onlyRecipient("""
				From: MAILER-DAEMON@qmail.example.net
				To: app@example.com
				Subject: failure notice

				Hi. This is the qmail-send program at qmail.example.net.
				I'm afraid I wasn't able to deliver your message to the following addresses.
				This is a permanent error; I've given up. Sorry it didn't work out.

				<nobody@example.org>:
				192.0.2.153 does not like recipient.
				Remote host said: 550 5.2.1 <nobody@example.org>... User Unknown
				Giving up on 192.0.2.153.

				--- Below this line is a copy of the message.
				""");
		assertThat(r.status()).isEqualTo("5.2.1");
		assertThat(r.kind()).isEqualTo(Kind.HARD);
	}

	@Test
	void sendmailTranscriptGivesEachRecipientItsOwnReply() {
		BounceReport report = this.reader.read("""
				From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>
				To: app@example.com
				Subject: Returned mail: see transcript for details

				The original message was received at Thu, 29 Apr 2010 23:34:45 +0900

				   ----- The following addresses had permanent fatal errors -----
				<gone@example.org>
				<nohost@example.net>

				   ----- Transcript of session follows -----
				... while talking to mx.example.org.:
				>>> RCPT To:<gone@example.org>
				<<< 550 5.1.1 <gone@example.org>... User unknown
				550 <nohost@example.net>... Host unknown (Name server: example.net: host not found)

				   ----- Original message follows -----
				""".getBytes(StandardCharsets.UTF_8));
		assertThat(report.recipients()).extracting(BouncedRecipient::email)
			.containsExactly("gone@example.org", "nohost@example.net");
		assertThat(report.recipients()).allSatisfy(r -> assertThat(r.kind()).isEqualTo(Kind.HARD));
		assertThat(report.recipients().get(0).status()).isEqualTo("5.1.1");
	}

	@Test
	void openSmtpdIsReadFromItsProseNotItsGenericReport() {
		BouncedRecipient r = onlyRecipient("""
				From: Mailer Daemon <MAILER-DAEMON@mx.example.net>
				To: app@example.com
				Subject: Delivery status notification: error

				    Hi!

				    This is the MAILER-DAEMON, please DO NOT REPLY to this e-mail.

				    An error has occurred while attempting to deliver a message for
				    the following list of recipients:

				nobody@nomx.example.org: No MX found for domain

				    Below is a copy of the original message:
				""");
		assertThat(r.status()).isEqualTo("5.0.932");
		assertThat(r.kind()).isEqualTo(Kind.HARD);
	}

	@Test
	void gmailStateFourteenIsARefusedRecipient() {
		BouncedRecipient r = onlyRecipient("""
				From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
				To: app@example.com
				Subject: Delivery Status Notification (Failure)

				Delivery to the following recipient failed permanently:

				     nobody@example.org

				Technical details of permanent failure:
				Google tried to deliver your message, but it was rejected by the recipient domain.
				The error that the other server returned was:
				550 550 <nobody@example.org>: User unknown (state 14).

				----- Original message -----
				""");
		assertThat(r.kind()).isEqualTo(Kind.HARD);
		assertThat(r.status()).isEqualTo("5.0.911");
	}

	@Test
	void dragonFlyNamesAnUnknownHost() {
		BouncedRecipient r = onlyRecipient("""
				Received: from MAILER-DAEMON
					id e0724
					by df.example.net (DragonFly Mail Agent v0.13);
					Tue, 11 Jun 2024 18:15:33 +0900
				From: MAILER-DAEMON <>
				To: app@example.com
				Subject: Mail delivery failed

				This is the DragonFly Mail Agent v0.13 at df.example.net.

				There was an error delivering your mail to <someone@nohost.example.org>.

				DNS lookup failure: host nohost.example.org not found

				Message headers follow.
				""");
		assertThat(r.status()).isEqualTo("5.0.912");
		assertThat(r.category()).isEqualTo(Category.USER_UNKNOWN);
	}

	@Test
	void aBounceForwardedAsAnAttachmentIsReadFromTheAttachment() {
		BounceReport report = this.reader.read("""
				From: helpdesk@example.com
				To: app@example.com
				Subject: Fwd: Returned mail
				Content-Type: multipart/mixed; boundary="outer"

				--outer
				Content-Type: text/plain

				See the attached bounce.

				--outer
				Content-Type: message/rfc822

				From: MAILER-DAEMON@mx.example.net
				To: app@example.com
				Subject: Undelivered Mail Returned to Sender
				Content-Type: multipart/report; report-type=delivery-status; boundary="inner"

				--inner
				Content-Type: message/delivery-status

				Reporting-MTA: dns; mx.example.net

				Final-Recipient: rfc822; nobody@example.org
				Action: failed
				Status: 5.1.1
				Diagnostic-Code: smtp; 550 5.1.1 No such user

				--inner--

				--outer--
				""".getBytes(StandardCharsets.UTF_8));
		assertThat(report.recipients()).extracting(BouncedRecipient::email).containsExactly("nobody@example.org");
	}

	@Test
	void providerCodesDecideTheReason() {
		BounceClassifier classifier = new BounceClassifier();
		// Orange labels its replies; 417 is a full mailbox whatever the enhanced code says
		BounceClassifier.Classification orange = classifier.classify(552, "5.1.1",
				"Boite du destinataire pleine. Recipient overquota. OFR_417 [417] mx.orange.fr");
		assertThat(orange.category()).isEqualTo(Category.MAILBOX_FULL);
		assertThat(orange.kind()).isEqualTo(Kind.SOFT);
	}

}
