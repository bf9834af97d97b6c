package io.mailroom.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Any body survives a real SMTP round trip (our client → SubEthaSMTP) byte for byte after CRLF
 * normalisation: dot-stuffing, lone CR/LF, missing final line break, 8-bit bytes.
 */
class DotStuffingProperties {

	private static final byte[] HEADER = "Subject: property\r\n\r\n".getBytes();

	private static final Envelope ENVELOPE = new Envelope("s@example.com", "r@example.com");

	private static SubEthaServer server;

	private static SmtpConnection connection;

	@BeforeContainer
	static void connect() throws Exception {
		server = new SubEthaServer(b -> b.insertReceivedHeaders(false));
		connection = new SmtpClient(SmtpClientSettings.defaults("client.test")
			.withTlsMode(TlsMode.NONE)
			.withTimeouts(SmtpTimeouts.uniform(Duration.ofSeconds(10)))).connect("127.0.0.1", server.port());
	}

	@AfterContainer
	static void disconnect() {
		connection.close();
		server.close();
	}

	@Provide
	Arbitrary<byte[]> bodies() {
		// the bytes that matter to the encoding, often enough to meet each other
		Arbitrary<Byte> interesting = Arbitraries.of((byte) '.', (byte) '\r', (byte) '\n', (byte) 'a', (byte) ' ',
				(byte) '\t', (byte) 0xC3, (byte) 0xA9, (byte) 0);
		Arbitrary<Byte> any = Arbitraries.bytes();
		Arbitrary<Byte> mixed = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, interesting), net.jqwik.api.Tuple.of(1, any));
		return mixed.list().ofMaxSize(3000).map(DotStuffingProperties::toArray);
	}

	/** Bodies as our MIME composer writes them: CRLF lines, some of them starting with a dot. */
	@Provide
	Arbitrary<byte[]> crlfBodies() {
		Arbitrary<String> line = Arbitraries.strings().withChars("abc .=\t").ofMaxLength(80);
		return line.list().ofMaxSize(60).map(lines -> {
			StringBuilder body = new StringBuilder();
			lines.forEach(l -> body.append(l).append("\r\n"));
			return body.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
		});
	}

	/**
	 * The shape read a line at a time is the one read octet by octet (below): size, longest line,
	 * 8-bit body and headers, wire-readiness — for raw bytes, whose header section ends wherever
	 * the first empty line falls.
	 */
	@Property(tries = 1000)
	void shapeIsReadAsOctetByOctet(@ForAll("bodies") byte[] body) {
		assertThat(MessageBody.inspect(body)).isEqualTo(octetByOctet(body));
		assertThat(MessageBody.inspect(concat(HEADER, body))).isEqualTo(octetByOctet(concat(HEADER, body)));
	}

	/** The same for bodies as our composer writes them, most of them wire-ready. */
	@Property(tries = 300)
	void shapeOfCrlfBodiesIsReadAsOctetByOctet(@ForAll("crlfBodies") byte[] body) {
		assertThat(MessageBody.inspect(concat(HEADER, body))).isEqualTo(octetByOctet(concat(HEADER, body)));
	}

	/** The first version of {@link MessageBody#inspect}, kept as the reference. */
	private static MessageBody.Shape octetByOctet(byte[] message) {
		long size = 0;
		int longest = 0;
		int lineLength = 0;
		boolean eightBit = false;
		boolean eightBitHeaders = false;
		boolean inHeaders = true;
		boolean wireReady = true;
		int i = 0;
		int n = message.length;
		while (i < n) {
			byte b = message[i];
			if (b == '\r' || b == '\n') {
				boolean crlf = b == '\r' && i + 1 < n && message[i + 1] == '\n';
				wireReady &= crlf;
				i += crlf ? 2 : 1;
				size += lineLength + 2;
				if (lineLength > longest) {
					longest = lineLength;
				}
				if (lineLength == 0) {
					inHeaders = false;
				}
				lineLength = 0;
				continue;
			}
			if (lineLength == 0 && b == '.') {
				wireReady = false;
			}
			if (b < 0) {
				eightBit = true;
				if (inHeaders) {
					eightBitHeaders = true;
				}
			}
			lineLength++;
			i++;
		}
		if (lineLength > 0) {
			size += lineLength + 2;
			longest = Math.max(longest, lineLength);
			wireReady = false;
		}
		return new MessageBody.Shape(size, longest, eightBit, eightBitHeaders, wireReady);
	}

	/**
	 * What goes on the wire is the normalised message with every line starting with a dot doubled
	 * and the terminating dot line — whether it was written in one piece (wire-ready) or line by
	 * line — compared with a reference written independently of MessageBody.
	 */
	@Property(tries = 300)
	void wireBytesAreTheDotStuffedNormalisedMessage(@ForAll("bodies") byte[] body) throws Exception {
		assertWireBytes(concat(HEADER, body));
	}

	@Property(tries = 300)
	void crlfBodiesAreWrittenInOnePieceUnlessALineStartsWithADot(@ForAll("crlfBodies") byte[] body) throws Exception {
		byte[] message = concat(HEADER, body);
		String text = new String(message, java.nio.charset.StandardCharsets.ISO_8859_1);
		assertThat(MessageBody.inspect(message).wireReady()).isEqualTo(!text.startsWith(".") && !text.contains("\r\n."));
		assertWireBytes(message);
	}

	@Property(tries = 100)
	void crlfBodySurvivesTheRoundTrip(@ForAll("crlfBodies") byte[] body) throws Exception {
		bodySurvivesTheRoundTrip(body);
	}

	private static void assertWireBytes(byte[] message) throws Exception {
		ByteArrayOutputStream wire = new ByteArrayOutputStream();
		MessageBody.write(message, MessageBody.inspect(message), wire);
		String stuffed = new String(normalised(message), java.nio.charset.StandardCharsets.ISO_8859_1)
			.replaceAll("(?dm)^\\.", "..");
		assertThat(wire.toString(java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo(stuffed + ".\r\n");
	}

	@Property(tries = 300)
	void bodySurvivesTheRoundTrip(@ForAll("bodies") byte[] body) throws Exception {
		byte[] message = concat(HEADER, body);
		byte[] expected = normalised(message);
		if (MessageBody.inspect(message).longestLine() > MessageBody.MAX_LINE_OCTETS) {
			assertThatThrownBy(() -> connection.send(ENVELOPE, message)).isInstanceOf(SmtpException.class);
			return;
		}
		int before = server.received().size();

		TransactionResult result = connection.send(ENVELOPE, message);

		assertThat(result.data().code()).isEqualTo(250);
		List<SubEthaServer.Received> received = server.received();
		assertThat(received).hasSize(before + 1);
		assertThat(received.get(before).data()).isEqualTo(expected);
	}

	@Property(tries = 300)
	void sizeAnnouncedIsTheSizeDelivered(@ForAll("bodies") byte[] body) {
		byte[] message = concat(HEADER, body);
		assertThat(MessageBody.inspect(message).size()).isEqualTo(normalised(message).length);
	}

	@Property(tries = 300)
	void noLineOnTheWireStartsWithALoneDotBeforeTheEnd(@ForAll("bodies") byte[] body) throws Exception {
		ByteArrayOutputStream wire = new ByteArrayOutputStream();
		byte[] message = concat(HEADER, body);
		MessageBody.write(message, MessageBody.inspect(message), wire);
		String text = wire.toString(java.nio.charset.StandardCharsets.ISO_8859_1);

		assertThat(text).endsWith("\r\n.\r\n");
		assertThat(text.substring(0, text.length() - 3)).doesNotContain("\r\n.\r\n");
		// every line break on the wire is CRLF
		assertThat(text.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
	}

	/** The reference normalisation, written independently of MessageBody. */
	private static byte[] normalised(byte[] message) {
		String text = new String(message, java.nio.charset.StandardCharsets.ISO_8859_1).replaceAll("\r\n|\r|\n", "\r\n");
		if (!text.isEmpty() && !text.endsWith("\r\n")) {
			text += "\r\n";
		}
		return text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
	}

	private static byte[] concat(byte[] a, byte[] b) {
		byte[] out = new byte[a.length + b.length];
		System.arraycopy(a, 0, out, 0, a.length);
		System.arraycopy(b, 0, out, a.length, b.length);
		return out;
	}

	private static byte[] toArray(List<Byte> bytes) {
		byte[] out = new byte[bytes.size()];
		for (int i = 0; i < out.length; i++) {
			out[i] = bytes.get(i);
		}
		return out;
	}

}
