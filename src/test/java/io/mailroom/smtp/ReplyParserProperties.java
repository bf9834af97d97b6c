package io.mailroom.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Any well-formed reply parses back to what was written; any byte sequence fails cleanly. */
class ReplyParserProperties {

	record WrittenReply(int code, String enhancedCode, List<String> lines) {

		String render() {
			StringBuilder out = new StringBuilder();
			for (int i = 0; i < lines.size(); i++) {
				out.append(code).append(i == lines.size() - 1 ? ' ' : '-');
				if (enhancedCode != null) {
					out.append(enhancedCode).append(' ');
				}
				out.append(lines.get(i)).append("\r\n");
			}
			return out.toString();
		}

	}

	@Provide
	Arbitrary<WrittenReply> replies() {
		Arbitrary<Integer> codes = Arbitraries.integers().between(200, 599);
		Arbitrary<Boolean> enhanced = Arbitraries.of(true, false);
		Arbitrary<int[]> details = Arbitraries.integers().between(0, 999).array(int[].class).ofSize(2);
		// text starts with a letter so that it cannot itself look like an enhanced status code
		Arbitrary<String> text = Combinators.combine(Arbitraries.chars().alpha(),
				Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(200))
			.as((first, rest) -> first + rest);
		Arbitrary<List<String>> lines = text.list().ofMinSize(1).ofMaxSize(12);
		return Combinators.combine(codes, enhanced, details, lines)
			.as((code, withEnhanced, detail, texts) -> new WrittenReply(code,
					withEnhanced ? (code / 100) + "." + detail[0] + "." + detail[1] : null, texts));
	}

	@Property(tries = 500)
	void wellFormedRepliesParseBackExactly(@ForAll("replies") WrittenReply written) throws IOException {
		SmtpReply reply = ReplyReader.parse(written.render());

		assertThat(reply.code()).isEqualTo(written.code());
		assertThat(reply.enhancedCode()).isEqualTo(written.enhancedCode());
		assertThat(reply.lines()).isEqualTo(written.lines());
	}

	@Property(tries = 500)
	void transcriptSeesEveryLineAsSent(@ForAll("replies") WrittenReply written) throws IOException {
		List<String> seen = new ArrayList<>();
		new ReplyReader(new ByteArrayInputStream(written.render().getBytes())).read(seen::add);

		assertThat(String.join("\r\n", seen) + "\r\n").isEqualTo(written.render());
	}

	@Property(tries = 1000)
	void arbitraryBytesGiveAReplyOrAnIOExceptionNeverAnythingElse(@ForAll byte[] input) {
		try {
			SmtpReply reply = new ReplyReader(new ByteArrayInputStream(input)).read(line -> {
			});
			assertThat(reply.code()).isBetween(200, 599);
			assertThat(reply.lines()).hasSizeLessThanOrEqualTo(ReplyReader.MAX_LINES);
		}
		catch (IOException expected) {
			// malformed or incomplete: the session fails cleanly
		}
	}

}
