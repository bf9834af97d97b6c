package io.mailroom.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.mailroom.smtp.ReplyReader.MalformedReplyException;

class ReplyReaderTests {

	@Test
	void multiLineReplyKeepsEveryLineAndTheEnhancedCode() throws Exception {
		SmtpReply reply = ReplyReader.parse("550-5.1.1 The email account that you tried to reach does not exist.\r\n"
				+ "550-5.1.1 Please try double-checking the recipient's email\r\n" + "550 5.1.1 address.\r\n");

		assertThat(reply.code()).isEqualTo(550);
		assertThat(reply.enhancedCode()).isEqualTo("5.1.1");
		assertThat(reply.lines()).containsExactly("The email account that you tried to reach does not exist.",
				"Please try double-checking the recipient's email", "address.");
	}

	@Test
	void enhancedCodeOfAnotherClassIsText() throws Exception {
		SmtpReply reply = ReplyReader.parse("250 5.0.0 odd but said\r\n");
		assertThat(reply.enhancedCode()).isNull();
		assertThat(reply.text()).isEqualTo("5.0.0 odd but said");
	}

	@Test
	void bareCodeAndBareLineFeedAreAccepted() throws Exception {
		SmtpReply reply = ReplyReader.parse("354\n");
		assertThat(reply.code()).isEqualTo(354);
		assertThat(reply.lines()).containsExactly("");
	}

	@Test
	void changingCodeWithinAReplyIsMalformed() {
		assertThatThrownBy(() -> ReplyReader.parse("250-first\r\n251 second\r\n"))
			.isInstanceOf(MalformedReplyException.class);
	}

	@Test
	void endlessReplyIsCutOff() {
		String hostile = "250-x\r\n".repeat(ReplyReader.MAX_LINES + 5) + "250 end\r\n";
		assertThatThrownBy(() -> ReplyReader.parse(hostile)).isInstanceOf(MalformedReplyException.class)
			.hasMessageContaining("lines");
	}

	@Test
	void overlongLineIsCutOff() {
		String hostile = "250 " + "x".repeat(ReplyReader.MAX_LINE_OCTETS) + "\r\n";
		assertThatThrownBy(() -> ReplyReader.parse(hostile)).isInstanceOf(MalformedReplyException.class)
			.hasMessageContaining("octets");
	}

	@Test
	void garbageIsNotAReply() {
		assertThatThrownBy(() -> ReplyReader.parse("HTTP/1.1 400 Bad Request\r\n"))
			.isInstanceOf(MalformedReplyException.class);
	}

}
