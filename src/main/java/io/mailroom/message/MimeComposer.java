package io.mailroom.message;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.ByteArrayDataSource;

import org.springframework.stereotype.Component;

/**
 * Composes the RFC 5322 message with Jakarta Mail (composition only; our own client sends it):
 * {@code multipart/alternative} text + HTML, wrapped in {@code multipart/related} for inline images
 * and {@code multipart/mixed} for attachments. Jakarta Mail picks quoted-printable or base64 per
 * part (lines ≤ 76) and encoded-words for non-ASCII subjects and names.
 */
@Component
class MimeComposer {

	private static final String STREAM_PROVIDER = "jakarta.mail.util.StreamProvider";

	/*
	 * Jakarta Mail 2.1 looks its StreamProvider up with a ServiceLoader scan of the class path in
	 * every MimeBodyPart, MimeMultipart and encode call (jakartaee/mail-api#699, #861): two thirds
	 * of composing a message went there. Naming the provider makes the lookup a Class.forName.
	 */
	static {
		if (System.getProperty(STREAM_PROVIDER) == null) {
			System.setProperty(STREAM_PROVIDER, "org.eclipse.angus.mail.util.MailStreamProvider");
		}
	}

	private final Session session;

	private final Clock clock;

	MimeComposer(Clock clock) {
		Properties properties = new Properties();
		// RFC 2231 parameter encoding for non-ASCII attachment names.
		properties.setProperty("mail.mime.encodeparameters", "true");
		this.session = Session.getInstance(properties);
		this.clock = clock;
	}

	record Part(String filename, String contentType, byte[] content, boolean inline, String contentId) {
	}

	/**
	 * What a message is made of. {@code textUtf8} and {@code htmlUtf8}, when given, are the text and
	 * HTML already encoded as UTF-8 (the store writes the same octets: a rendered mail with one
	 * character beyond Latin-1 is a UTF-16 string, and encoding it is a loop over its characters).
	 */
	record Composition(String messageIdHeader, InternetAddress from, List<InternetAddress> to, List<InternetAddress> cc,
			String replyTo, String subject, String text, String html, Map<String, String> headers,
			List<Part> attachments, byte[] textUtf8, byte[] htmlUtf8) {
	}

	byte[] compose(Composition c) {
		try {
			MimeMessage message = new MimeMessage(session) {
				@Override
				protected void updateMessageID() throws MessagingException {
					setHeader("Message-ID", c.messageIdHeader());
				}
			};
			message.setFrom(c.from());
			message.setRecipients(MimeMessage.RecipientType.TO, c.to().toArray(InternetAddress[]::new));
			if (!c.cc().isEmpty()) {
				message.setRecipients(MimeMessage.RecipientType.CC, c.cc().toArray(InternetAddress[]::new));
			}
			if (c.replyTo() != null) {
				message.setReplyTo(InternetAddress.parse(c.replyTo()));
			}
			message.setSubject(c.subject(), StandardCharsets.UTF_8.name());
			message.setSentDate(Date.from(clock.instant()));
			for (Map.Entry<String, String> header : c.headers().entrySet()) {
				message.setHeader(header.getKey(), MimeUtility.fold(header.getKey().length() + 2,
						MimeUtility.encodeText(header.getValue(), "UTF-8", null)));
			}
			message.setContent(body(c));
			message.saveChanges();
			Buffer out = new Buffer(c.text().length() + (c.html() == null ? 0 : c.html().length()) + 2048);
			message.writeTo(out);
			return out.toByteArray();
		}
		catch (MessagingException | IOException ex) {
			throw new IllegalStateException("Could not compose the message", ex);
		}
	}

	private MimeMultipart body(Composition c) throws MessagingException {
		MimeMultipart alternative = new MimeMultipart("alternative");
		alternative.addBodyPart(textPart(c.text(), c.textUtf8(), "plain"));
		if (c.html() != null) {
			alternative.addBodyPart(textPart(c.html(), c.htmlUtf8(), "html"));
		}
		List<Part> inline = c.attachments().stream().filter(Part::inline).toList();
		List<Part> attached = c.attachments().stream().filter(p -> !p.inline()).toList();
		MimeMultipart content = alternative;
		if (!inline.isEmpty()) {
			MimeMultipart related = new MimeMultipart("related");
			related.addBodyPart(wrap(alternative));
			for (Part part : inline) {
				related.addBodyPart(attachment(part));
			}
			content = related;
		}
		if (!attached.isEmpty()) {
			MimeMultipart mixed = new MimeMultipart("mixed");
			mixed.addBodyPart(wrap(content));
			for (Part part : attached) {
				mixed.addBodyPart(attachment(part));
			}
			content = mixed;
		}
		return content;
	}

	/** {@code utf8}: the content already encoded, or null. */
	static MimeBodyPart textPart(String content, byte[] utf8, String subtype) throws MessagingException {
		// Chosen here in one pass over the string: left to Jakarta Mail, saveChanges() pushes every
		// byte through a checking stream, which was a third of the time spent composing a message.
		String encoding = transferEncoding(content);
		if (encoding.equals("quoted-printable")) {
			// Encoded here in one pass (QuotedPrintable); a part made of headers and encoded
			// content is written out as it is.
			InternetHeaders headers = new InternetHeaders();
			headers.setHeader("Content-Type", "text/" + subtype + "; charset=UTF-8");
			headers.setHeader("Content-Transfer-Encoding", encoding);
			return new MimeBodyPart(headers,
					QuotedPrintable.encode(utf8 != null ? utf8 : content.getBytes(StandardCharsets.UTF_8)));
		}
		MimeBodyPart part = new MimeBodyPart();
		part.setText(content, StandardCharsets.UTF_8.name(), subtype);
		part.setHeader("Content-Transfer-Encoding", encoding);
		return part;
	}

	/**
	 * The encoding Jakarta Mail would choose: 7bit for ASCII text in short lines, quoted-printable
	 * for mostly-ASCII text, base64 when most of it is not ASCII (QP would triple it).
	 */
	static String transferEncoding(String text) {
		int nonAscii = 0;
		int lineLength = 0;
		boolean longLine = false;
		for (int i = 0; i < text.length(); i++) {
			char ch = text.charAt(i);
			if (ch == '\n') {
				lineLength = 0;
				continue;
			}
			if (++lineLength > 998) {
				longLine = true;
			}
			if (ch >= 0x7f || (ch < 0x20 && ch != '\r' && ch != '\t')) {
				nonAscii++;
			}
		}
		if (nonAscii == 0) {
			return longLine ? "quoted-printable" : "7bit";
		}
		return nonAscii * 3 > text.length() ? "base64" : "quoted-printable";
	}

	private static MimeBodyPart wrap(MimeMultipart multipart) throws MessagingException {
		MimeBodyPart part = new MimeBodyPart();
		part.setContent(multipart);
		return part;
	}

	private static MimeBodyPart attachment(Part p) throws MessagingException {
		MimeBodyPart part = new MimeBodyPart();
		part.setDataHandler(new DataHandler(new ByteArrayDataSource(p.content(), p.contentType())));
		try {
			part.setFileName(p.filename());
		}
		catch (MessagingException ex) {
			part.setFileName(MimeUtilityNames.ascii(p.filename()));
		}
		part.setDisposition(p.inline() ? MimeBodyPart.INLINE : MimeBodyPart.ATTACHMENT);
		if (p.contentId() != null) {
			part.setContentID("<" + p.contentId() + ">");
		}
		// base64 always: attachments are binary, and it keeps lines at 76.
		part.setHeader("Content-Transfer-Encoding", "base64");
		return part;
	}

	static InternetAddress address(String email, String name) {
		try {
			InternetAddress address = new InternetAddress(email, name == null || name.isBlank() ? null : name,
					StandardCharsets.UTF_8.name());
			return address;
		}
		catch (UnsupportedEncodingException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * What the message is written into. Jakarta Mail's quoted-printable encoder writes one byte
	 * per call, and {@link java.io.ByteArrayOutputStream#write(int)} takes a lock each time: that
	 * lock was a fifth of the CPU of accepting a message. This buffer has none (one thread uses it).
	 */
	static final class Buffer extends OutputStream {

		private byte[] bytes;

		private int count;

		Buffer(int capacity) {
			bytes = new byte[Math.max(capacity, 256)];
		}

		@Override
		public void write(int b) {
			if (count == bytes.length) {
				bytes = Arrays.copyOf(bytes, bytes.length * 2);
			}
			bytes[count++] = (byte) b;
		}

		@Override
		public void write(byte[] b, int off, int len) {
			Objects.checkFromIndexSize(off, len, b.length);
			if (count + len > bytes.length) {
				bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, count + len));
			}
			System.arraycopy(b, off, bytes, count, len);
			count += len;
		}

		byte[] toByteArray() {
			return Arrays.copyOf(bytes, count);
		}

	}

	private static final class MimeUtilityNames {

		static String ascii(String name) {
			return name.replaceAll("[^\\x20-\\x7e]", "_");
		}

	}

}
