package io.mailroom.message;

import java.util.Arrays;

/**
 * Quoted-printable encoding of a whole body at once, octet for octet what Angus Mail's
 * {@code QPEncoderStream} writes (76-octet lines, CR, LF and CRLF as hard line breaks, a space
 * before a line break or at the end encoded): composing a message pushed every octet of the HTML
 * through that stream's {@code write(int)} and then through the output's, one virtual call each —
 * the largest part of composing after rendering. A property test holds this class to the stream.
 */
final class QuotedPrintable {

	private static final byte[] HEX = { '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E',
			'F' };

	/** Octets per line before the soft break's "=". */
	private static final int BYTES_PER_LINE = 76 - 1;

	/** Whether an octet (other than CR, LF and space, handled apart) is written as "=XX". */
	private static final boolean[] ENCODED = new boolean[256];

	/** Octets written as they are whatever follows them: not CR, LF or space. */
	private static final boolean[] PLAIN = new boolean[256];

	static {
		for (int c = 0; c < 256; c++) {
			ENCODED[c] = c < 040 || c >= 0177 || c == '=';
			PLAIN[c] = !ENCODED[c] && c != ' ';
		}
	}

	private QuotedPrintable() {
	}

	/**
	 * The encoding of {@code in}. One loop over locals (the output array, its length and the
	 * current line's length): kept in fields of an encoder object, they were written back to
	 * memory for every octet, and this loop was a tenth of a batch's CPU.
	 */
	static byte[] encode(byte[] in) {
		byte[] out = new byte[in.length + in.length / 16 + 16];
		int length = 0;
		// octets on the current output line
		int count = 0;
		boolean gotSpace = false;
		boolean gotCR = false;
		for (int i = 0; i < in.length; i++) {
			int c = in[i] & 0xff;
			if (!gotSpace && literal(in, i)) {
				// most of a mail: a run of octets copied as they are, line by line
				int end = i + 1;
				while (end < in.length && literal(in, end)) {
					end++;
				}
				int run = end - i;
				int most = length + run + 3 * (run / BYTES_PER_LINE + 1);
				if (most > out.length) {
					out = Arrays.copyOf(out, Math.max(out.length * 2, most + 9));
				}
				while (i < end) {
					if (count == BYTES_PER_LINE) {
						length = softBreak(out, length);
						count = 0;
					}
					int take = Math.min(BYTES_PER_LINE - count, end - i);
					System.arraycopy(in, i, out, length, take);
					length += take;
					count += take;
					i += take;
				}
				i--;
				gotCR = false;
				continue;
			}
			// at most a space, a soft break and an encoded octet: 3 + 3 + 3
			if (length + 9 > out.length) {
				out = Arrays.copyOf(out, Math.max(out.length * 2, length + 9));
			}
			if (gotSpace) {
				// a space before a line break would be lost in transport: it is encoded there
				boolean encode = c == '\r' || c == '\n';
				int width = encode ? 3 : 1;
				if ((count += width) > BYTES_PER_LINE) {
					length = softBreak(out, length);
					count = width;
				}
				length = put(out, length, ' ', encode);
				gotSpace = false;
			}
			if (c == '\r') {
				gotCR = true;
				out[length++] = '\r';
				out[length++] = '\n';
				count = 0;
				continue;
			}
			if (c == '\n') {
				if (!gotCR) {
					out[length++] = '\r';
					out[length++] = '\n';
					count = 0;
				}
			}
			else if (c == ' ') {
				gotSpace = true;
			}
			else {
				boolean encode = ENCODED[c];
				int width = encode ? 3 : 1;
				if ((count += width) > BYTES_PER_LINE) {
					length = softBreak(out, length);
					count = width;
				}
				length = put(out, length, c, encode);
			}
			gotCR = false;
		}
		if (gotSpace) {
			if (length + 6 > out.length) {
				out = Arrays.copyOf(out, length + 6);
			}
			if (count + 3 > BYTES_PER_LINE) {
				length = softBreak(out, length);
			}
			length = put(out, length, ' ', true);
		}
		return Arrays.copyOf(out, length);
	}

	/** Whether the octet at {@code i} is written as it is: plain, or a space not before a line break. */
	private static boolean literal(byte[] in, int i) {
		byte b = in[i];
		if (b == ' ') {
			return i + 1 < in.length && in[i + 1] != '\r' && in[i + 1] != '\n';
		}
		return PLAIN[b & 0xff];
	}

	private static int put(byte[] out, int length, int c, boolean encode) {
		if (encode) {
			out[length++] = '=';
			out[length++] = HEX[c >> 4];
			out[length++] = HEX[c & 0xf];
		}
		else {
			out[length++] = (byte) c;
		}
		return length;
	}

	private static int softBreak(byte[] out, int length) {
		out[length++] = '=';
		out[length++] = '\r';
		out[length++] = '\n';
		return length;
	}

}
