package io.mailroom.bounce;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/** Inbound test messages: templates with the VERP address, the recipient and the Message-ID filled in. */
final class InboundMail {

	private InboundMail() {
	}

	/** RFC 3464 report of a 550 5.1.1 at RCPT, as Postfix writes it. */
	static String dsnUserUnknown(String verp, String recipient, String messageId) {
		return fill("dsn-user-unknown.eml", verp, recipient, messageId);
	}

	/** RFC 3464 report with {@code Action: delayed} and 4.4.1. */
	static String dsnDelayed(String verp, String recipient, String messageId) {
		return fill("dsn-delayed.eml", verp, recipient, messageId);
	}

	/** RFC 5965 ARF abuse report, with the complained-about message attached. */
	static String complaint(String verp, String recipient, String messageId) {
		return fill("arf-complaint.eml", verp, recipient, messageId);
	}

	/** RFC 3834 vacation reply sent to the return path. */
	static String autoReply(String verp, String recipient, String messageId) {
		return fill("auto-reply.eml", verp, recipient, messageId);
	}

	/** Gmail's plain-text bounce (no report part) from the sisimai corpus, readdressed. */
	static String gmailUserUnknown(String verp, String recipient) {
		try {
			String text = Files.readString(BounceCorpusTests.corpusDirectory().resolve("messages/lhost-gmail-01.eml"),
					StandardCharsets.ISO_8859_1);
			return text.replace("the-local-part-of-google-mail-address@gmail.com", verp)
				.replace("userunknown@example.jp", recipient);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String fill(String template, String verp, String recipient, String messageId) {
		try (InputStream in = InboundMail.class.getResourceAsStream(template)) {
			String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			return text.replace("{{verp}}", verp)
				.replace("{{recipient}}", recipient)
				.replace("{{messageId}}", messageId)
				.replace("\r\n", "\n")
				.replace("\n", "\r\n");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
