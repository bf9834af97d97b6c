package io.mailroom.message;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Properties;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.eclipse.angus.mail.util.QPEncoderStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our one-pass quoted-printable encoder writes what Angus Mail's encoder writes, octet for octet,
 * and a text part built from it is written into a message exactly as the part Jakarta Mail encodes
 * itself.
 */
class QuotedPrintableProperties {

	@Provide
	Arbitrary<byte[]> bodies() {
		Arbitrary<Byte> interesting = Arbitraries.of((byte) ' ', (byte) '\r', (byte) '\n', (byte) '=', (byte) '\t',
				(byte) 'a', (byte) '.', (byte) 0xC3, (byte) 0xA9, (byte) 0x7F, (byte) 0);
		Arbitrary<Byte> letters = Arbitraries.of((byte) 'x', (byte) 'y');
		Arbitrary<Byte> any = Arbitraries.bytes();
		return Arbitraries.frequencyOf(Tuple.of(4, interesting), Tuple.of(6, letters), Tuple.of(1, any))
			.list()
			.ofMaxSize(600)
			.map(QuotedPrintableProperties::toArray);
	}

	/**
	 * Long runs of octets written as they are (letters and spaces between them), which the encoder
	 * copies line by line, cut by octets it must decide on.
	 */
	@Provide
	Arbitrary<byte[]> runs() {
		Arbitrary<String> run = Arbitraries.strings().withChars('x', 'y', ' ').ofMaxLength(250);
		Arbitrary<String> cut = Arbitraries.of("", " ", "\r\n", "\n", "\r", " \r\n", "=", "\u00e9", "\t");
		return net.jqwik.api.Combinators.combine(run, cut)
			.as((r, c) -> r + c)
			.list()
			.ofMaxSize(12)
			.map(parts -> String.join("", parts).getBytes(StandardCharsets.UTF_8));
	}

	@Property(tries = 500)
	void encodesLongRunsAsAngusMailsEncoderStream(@ForAll("runs") byte[] body) throws Exception {
		encodesAsAngusMailsEncoderStream(body);
	}

	@Provide
	Arbitrary<String> texts() {
		// mostly ASCII, as mail is: otherwise the composer chooses base64
		Arbitrary<Character> ascii = Arbitraries.of('a', 'b', ' ', '=', '\r', '\n', '\t', '.', '<', '>');
		Arbitrary<Character> other = Arbitraries.of('é', '€', '\u0000');
		return Arbitraries.frequencyOf(Tuple.of(12, ascii), Tuple.of(1, other))
			.list()
			.ofMaxSize(400)
			.map(chars -> {
				StringBuilder text = new StringBuilder("é");
				chars.forEach(text::append);
				return text.toString();
			});
	}

	@Property(tries = 1000)
	void encodesAsAngusMailsEncoderStream(@ForAll("bodies") byte[] body) throws Exception {
		ByteArrayOutputStream expected = new ByteArrayOutputStream();
		QPEncoderStream angus = new QPEncoderStream(expected);
		angus.write(body);
		angus.flush();

		assertThat(QuotedPrintable.encode(body)).isEqualTo(expected.toByteArray());
	}

	@Property(tries = 300)
	void textPartIsWrittenAsJakartaMailWritesIt(@ForAll("texts") String text) throws Exception {
		net.jqwik.api.Assume.that(MimeComposer.transferEncoding(text).equals("quoted-printable"));
		for (String subtype : List.of("plain", "html")) {
			MimeBodyPart jakarta = new MimeBodyPart();
			jakarta.setText(text, StandardCharsets.UTF_8.name(), subtype);
			jakarta.setHeader("Content-Transfer-Encoding", "quoted-printable");

			assertThat(written(MimeComposer.textPart(text, null, subtype))).isEqualTo(written(jakarta));
		}
	}

	/** The part alone in a message with fixed headers and boundary, as composed and saved. */
	private static String written(MimeBodyPart part) throws Exception {
		MimeMessage message = new MimeMessage(Session.getInstance(new Properties())) {
			@Override
			protected void updateMessageID() throws MessagingException {
				setHeader("Message-ID", "<fixed@example.com>");
			}
		};
		message.setSentDate(new Date(0));
		MimeMultipart alternative = new MimeMultipart("alternative") {
			{
				contentType = "multipart/alternative; boundary=\"fixed\"";
			}
		};
		alternative.addBodyPart(part);
		message.setContent(alternative);
		message.saveChanges();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		message.writeTo(out);
		return out.toString(StandardCharsets.ISO_8859_1);
	}

	private static byte[] toArray(List<Byte> bytes) {
		byte[] out = new byte[bytes.size()];
		for (int i = 0; i < out.length; i++) {
			out[i] = bytes.get(i);
		}
		return out;
	}

}
