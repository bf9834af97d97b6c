package io.mailroom.smtp;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The message as it goes on the wire after DATA: line breaks normalised to CRLF (a lone CR or LF
 * counts as a line break), lines starting with "." doubled (RFC 5321 §4.5.2), a final CRLF added
 * when missing, then the terminating ".".
 */
final class MessageBody {

	/** RFC 5321 §4.5.3.1.6: 1000 octets per line including the CRLF. */
	static final int MAX_LINE_OCTETS = 998;

	private static final byte[] CRLF = { '\r', '\n' };

	private static final byte[] TERMINATOR = { '.', '\r', '\n' };

	private MessageBody() {
	}

	/**
	 * What the client must know before sending.
	 *
	 * @param size octets after CRLF normalisation, without dot-stuffing (the RFC 1870 SIZE measure)
	 * @param longestLine octets of the longest line, without its line break
	 * @param eightBitBody a byte above 127 anywhere (needs 8BITMIME, RFC 6152)
	 * @param eightBitHeaders a byte above 127 in the header section (needs SMTPUTF8, RFC 6532)
	 * @param wireReady every line break already CRLF, the last line ended by one, and no line
	 * starting with "." — the bytes go on the wire as they are (what our own MIME composer writes)
	 */
	record Shape(long size, int longestLine, boolean eightBitBody, boolean eightBitHeaders, boolean wireReady) {
	}

	static Shape inspect(byte[] message) {
		long size = 0;
		int longest = 0;
		boolean eightBit = false;
		boolean eightBitHeaders = false;
		boolean inHeaders = true;
		boolean wireReady = true;
		int i = 0;
		int n = message.length;
		while (i < n) {
			// a line at a time: its octets are only looked at for a line break and the high bit
			// (OR-ed, sign-extended: negative when one of them is above 127)
			int start = i;
			int high = 0;
			while (i < n) {
				byte b = message[i];
				if (b == '\r' || b == '\n') {
					break;
				}
				high |= b;
				i++;
			}
			int lineLength = i - start;
			if (lineLength > 0 && message[start] == '.') {
				wireReady = false;
			}
			if (high < 0) {
				eightBit = true;
				eightBitHeaders |= inHeaders;
			}
			if (lineLength > longest) {
				longest = lineLength;
			}
			if (i == n) {
				if (lineLength > 0) {
					size += lineLength + 2;
					wireReady = false;
				}
				break;
			}
			boolean crlf = message[i] == '\r' && i + 1 < n && message[i + 1] == '\n';
			wireReady &= crlf;
			i += crlf ? 2 : 1;
			size += lineLength + 2;
			if (lineLength == 0) {
				inHeaders = false;
			}
		}
		return new Shape(size, longest, eightBit, eightBitHeaders, wireReady);
	}

	/**
	 * Writes the normalised, dot-stuffed message and the terminating "." line; a message whose
	 * {@link Shape#wireReady shape} needs no change is written in one piece.
	 */
	static void write(byte[] message, Shape shape, OutputStream out) throws IOException {
		if (shape.wireReady()) {
			out.write(message);
			out.write(TERMINATOR);
			return;
		}
		int n = message.length;
		int lineStart = 0;
		int i = 0;
		while (i < n) {
			if (i == lineStart && message[i] == '.') {
				out.write('.');
			}
			byte b = message[i];
			if (b == '\r' || b == '\n') {
				out.write(message, lineStart, i - lineStart);
				out.write(CRLF);
				i += (b == '\r' && i + 1 < n && message[i + 1] == '\n') ? 2 : 1;
				lineStart = i;
				continue;
			}
			i++;
		}
		if (lineStart < n) {
			out.write(message, lineStart, n - lineStart);
			out.write(CRLF);
		}
		out.write(TERMINATOR);
	}

}
