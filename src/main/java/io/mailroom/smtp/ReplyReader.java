package io.mailroom.smtp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads SMTP replies (RFC 5321 §4.2) from a stream, with bounds so that a hostile or broken server
 * cannot make us buffer without limit.
 */
final class ReplyReader {

	/**
	 * RFC 5321 §4.5.3.1.5 allows 512 octets per reply line; real servers exceed it a little (long
	 * EHLO AUTH lists, policy URLs), so we accept four times that.
	 */
	static final int MAX_LINE_OCTETS = 2048;

	/** Far above any real EHLO reply (a dozen lines), far below anything that could hurt us. */
	static final int MAX_LINES = 100;

	private final InputStream in;

	private final byte[] buffer = new byte[8192];

	private int position;

	private int limit;

	private final byte[] line = new byte[MAX_LINE_OCTETS];

	ReplyReader(InputStream in) {
		this.in = in;
	}

	/** Thrown when the server sent something that is not an SMTP reply. */
	static final class MalformedReplyException extends IOException {

		MalformedReplyException(String message) {
			super(message);
		}

	}

	interface LineSink {

		void line(String rawLine);

	}

	/** Reads one complete (possibly multi-line) reply; every raw line goes to {@code sink}. */
	SmtpReply read(LineSink sink) throws IOException {
		List<String> texts = new ArrayList<>(2);
		int code = -1;
		while (true) {
			String raw = readLine();
			sink.line(raw);
			if (raw.length() < 3) {
				throw new MalformedReplyException("reply line too short: " + printable(raw));
			}
			int lineCode = parseCode(raw);
			if (code == -1) {
				code = lineCode;
			}
			else if (lineCode != code) {
				throw new MalformedReplyException("reply code changed within a multi-line reply: " + printable(raw));
			}
			boolean last;
			String text;
			if (raw.length() == 3) {
				last = true;
				text = "";
			}
			else {
				char separator = raw.charAt(3);
				if (separator != ' ' && separator != '-') {
					throw new MalformedReplyException("bad reply line: " + printable(raw));
				}
				last = separator == ' ';
				text = raw.substring(4);
			}
			texts.add(text);
			if (last) {
				return reply(code, texts);
			}
			if (texts.size() >= MAX_LINES) {
				throw new MalformedReplyException("reply longer than " + MAX_LINES + " lines");
			}
		}
	}

	/** Whether the server sent bytes we have not consumed yet. */
	boolean hasBufferedInput() {
		return position < limit;
	}

	static SmtpReply parse(String text) throws MalformedReplyException {
		ReplyReader reader = new ReplyReader(new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
		try {
			return reader.read(raw -> {
			});
		}
		catch (MalformedReplyException ex) {
			throw ex;
		}
		catch (IOException ex) {
			throw new MalformedReplyException("incomplete reply: " + ex.getMessage());
		}
	}

	/**
	 * The enhanced status code (RFC 3463, announced by RFC 2034 ENHANCEDSTATUSCODES) is taken from
	 * the first line when its class agrees with the reply code, and stripped from every line that
	 * repeats it.
	 */
	static SmtpReply reply(int code, List<String> texts) {
		String enhanced = enhancedCode(texts.get(0), code);
		if (enhanced == null) {
			return new SmtpReply(code, null, texts);
		}
		List<String> stripped = new ArrayList<>(texts.size());
		for (String text : texts) {
			if (text.startsWith(enhanced) && (text.length() == enhanced.length() || text.charAt(enhanced.length()) == ' ')) {
				stripped.add(text.substring(Math.min(text.length(), enhanced.length() + 1)));
			}
			else {
				stripped.add(text);
			}
		}
		return new SmtpReply(code, enhanced, stripped);
	}

	// class "." subject "." detail, subject 1-3 digits, detail 1-3 digits (RFC 3463 §2)
	private static String enhancedCode(String text, int code) {
		int length = text.indexOf(' ');
		if (length < 0) {
			length = text.length();
		}
		if (length < 5 || length > 9) {
			return null;
		}
		char cls = text.charAt(0);
		if (cls != Character.forDigit(code / 100, 10) || text.charAt(1) != '.') {
			return null;
		}
		int dot = text.indexOf('.', 2);
		if (dot < 0 || dot >= length || !digits(text, 2, dot) || !digits(text, dot + 1, length)) {
			return null;
		}
		return text.substring(0, length);
	}

	private static boolean digits(String text, int from, int to) {
		if (to - from < 1 || to - from > 3) {
			return false;
		}
		for (int i = from; i < to; i++) {
			if (text.charAt(i) < '0' || text.charAt(i) > '9') {
				return false;
			}
		}
		return true;
	}

	private static int parseCode(String raw) throws MalformedReplyException {
		char a = raw.charAt(0);
		char b = raw.charAt(1);
		char c = raw.charAt(2);
		if (a < '2' || a > '5' || b < '0' || b > '9' || c < '0' || c > '9') {
			throw new MalformedReplyException("not an SMTP reply: " + printable(raw));
		}
		return (a - '0') * 100 + (b - '0') * 10 + (c - '0');
	}

	private String readLine() throws IOException {
		int length = 0;
		while (true) {
			if (position == limit) {
				int n = in.read(buffer);
				if (n < 0) {
					throw new EOFException(length == 0 ? "connection closed by server" : "connection closed within a reply line");
				}
				position = 0;
				limit = n;
			}
			byte b = buffer[position++];
			if (b == '\n') {
				if (length > 0 && line[length - 1] == '\r') {
					length--;
				}
				// replies are ASCII (RFC 5321 §2.4) or UTF-8 after SMTPUTF8 (RFC 6531 §3.7.4)
				return new String(line, 0, length, StandardCharsets.UTF_8);
			}
			if (length == line.length) {
				throw new MalformedReplyException("reply line longer than " + MAX_LINE_OCTETS + " octets");
			}
			line[length++] = b;
		}
	}

	static String printable(String raw) {
		String shortened = raw.length() > 80 ? raw.substring(0, 80) + "..." : raw;
		StringBuilder out = new StringBuilder(shortened.length());
		for (int i = 0; i < shortened.length(); i++) {
			char ch = shortened.charAt(i);
			out.append(ch < ' ' || ch == 127 ? '?' : ch);
		}
		return out.toString();
	}

}
