package io.mailroom.bounce;

import java.nio.charset.StandardCharsets;

/** Inbound messages built to make a MIME parser work hard. */
final class HostileMail {

	private HostileMail() {
	}

	/** {@code depth} multiparts, each the only part of the one around it. */
	static byte[] nestedMultiparts(int depth) {
		StringBuilder b = new StringBuilder("From: mailer-daemon@example.net\r\nSubject: nested\r\nMIME-Version: 1.0\r\n");
		for (int i = 0; i < depth; i++) {
			b.append("Content-Type: multipart/mixed; boundary=\"b").append(i).append("\"\r\n\r\n--b").append(i).append("\r\n");
		}
		b.append("Content-Type: text/plain\r\n\r\nStatus: 5.1.1\r\n");
		for (int i = depth - 1; i >= 0; i--) {
			b.append("\r\n--b").append(i).append("--\r\n");
		}
		return b.toString().getBytes(StandardCharsets.US_ASCII);
	}

	/** One header line of {@code length} characters, folded nowhere. */
	static byte[] longHeaderLine(int length) {
		return ("From: mailer-daemon@example.net\r\nSubject: " + "x@".repeat(length / 2) + "\r\n\r\nStatus: 5.1.1\r\n")
			.getBytes(StandardCharsets.US_ASCII);
	}

	/** A multipart with {@code parts} empty parts. */
	static byte[] manyBoundaries(int parts) {
		StringBuilder b = new StringBuilder("From: mailer-daemon@example.net\r\nMIME-Version: 1.0\r\n"
				+ "Content-Type: multipart/report; report-type=delivery-status; boundary=\"x\"\r\n\r\n");
		for (int i = 0; i < parts; i++) {
			b.append("--x\r\nContent-Type: message/delivery-status\r\n\r\nAction: failed\r\n");
		}
		return b.append("--x--\r\n").toString().getBytes(StandardCharsets.US_ASCII);
	}

}
