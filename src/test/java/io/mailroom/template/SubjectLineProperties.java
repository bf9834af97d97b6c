package io.mailroom.template;

import java.util.regex.Pattern;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/** A rendered subject becomes one line exactly as the regular expression the loop replaced did. */
class SubjectLineProperties {

	private static final Pattern SPACE_RUNS = Pattern.compile("[\\s\\u0000]+");

	@Provide
	Arbitrary<String> subjects() {
		return Arbitraries.strings().withChars("ab \t\n\r\f\u000b\u0000\u00a0\u2003\u3000é").ofMaxLength(12);
	}

	@Property(tries = 3000)
	void oneLineAsTheExpression(@ForAll("subjects") String subject) {
		assertThat(MailRenderer.oneLine(subject)).isEqualTo(SPACE_RUNS.matcher(subject).replaceAll(" ").strip());
	}

}
