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

	private byte[] out;

	private int length;

	/** Octets on the current output line. */
	private int count;

	private QuotedPrintable(int capacity) {
		out = new byte[capacity];
	}

	static byte[] encode(byte[] in) {
		QuotedPrintable qp = new QuotedPrintable(in.length + in.length / 16 + 16);
		boolean gotSpace = false;
		boolean gotCR = false;
		for (byte b : in) {
			int c = b & 0xff;
			// at most a space, a soft break and an encoded octet: 3 + 3 + 3
			qp.ensure(9);
			if (gotSpace) {
				// a space before a line break would be lost in transport: it is encoded there
				qp.output(' ', c == '\r' || c == '\n');
				gotSpace = false;
			}
			if (c == '\r') {
				gotCR = true;
				qp.crlf();
				continue;
			}
			if (c == '\n') {
				if (!gotCR) {
					qp.crlf();
				}
			}
			else if (c == ' ') {
				gotSpace = true;
			}
			else {
				qp.output(c, c < 040 || c >= 0177 || c == '=');
			}
			gotCR = false;
		}
		if (gotSpace) {
			qp.ensure(6);
			qp.output(' ', true);
		}
		return Arrays.copyOf(qp.out, qp.length);
	}

	private void ensure(int more) {
		if (length + more > out.length) {
			out = Arrays.copyOf(out, Math.max(out.length * 2, length + more));
		}
	}

	private void crlf() {
		out[length++] = '\r';
		out[length++] = '\n';
		count = 0;
	}

	private void output(int c, boolean encode) {
		if (encode) {
			if ((count += 3) > BYTES_PER_LINE) {
				softBreak();
				count = 3;
			}
			out[length++] = '=';
			out[length++] = HEX[c >> 4];
			out[length++] = HEX[c & 0xf];
		}
		else {
			if (++count > BYTES_PER_LINE) {
				softBreak();
				count = 1;
			}
			out[length++] = (byte) c;
		}
	}

	private void softBreak() {
		out[length++] = '=';
		out[length++] = '\r';
		out[length++] = '\n';
	}

}
