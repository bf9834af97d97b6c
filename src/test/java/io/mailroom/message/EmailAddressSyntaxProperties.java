package io.mailroom.message;

import java.util.regex.Pattern;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The syntax checks every message goes through are written by hand; they accept exactly what the
 * regular expressions they replaced accept.
 */
class EmailAddressSyntaxProperties {

	private static final Pattern DOT_ATOM = Pattern
		.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-\\P{ASCII}]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-\\P{ASCII}]+)*");

	private static final Pattern LDH_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

	private static final Pattern TEMPLATE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

	@Provide
	Arbitrary<String> localParts() {
		return Arbitraries.oneOf(
				Arbitraries.strings().withChars("aZ09.!#-_~`{|}\"\\@ ()[],;:<>\u00e9\u4e2d\u0000\u007f\ud83d\ude00").ofMaxLength(10),
				Arbitraries.strings().withChars("a.\u00e9").ofMaxLength(6));
	}

	@Provide
	Arbitrary<String> labels() {
		return Arbitraries.oneOf(Arbitraries.strings().withChars("az09-A_.\u00e9").ofMaxLength(6),
				Arbitraries.strings().withChars("a9-").ofMinLength(60).ofMaxLength(66));
	}

	@Provide
	Arbitrary<String> templateNames() {
		return Arbitraries.oneOf(Arbitraries.strings().withChars("aZ09._-/ \u00e9").ofMaxLength(8),
				Arbitraries.strings().withChars("a._-").ofMinLength(98).ofMaxLength(102));
	}

	@Property(tries = 3000)
	void dotAtomsAsTheExpression(@ForAll("localParts") String local) {
		assertThat(EmailAddress.dotAtom(local)).isEqualTo(DOT_ATOM.matcher(local).matches());
	}

	@Property(tries = 2000)
	void ldhLabelsAsTheExpression(@ForAll("labels") String label) {
		assertThat(EmailAddress.ldhLabel(label)).isEqualTo(LDH_LABEL.matcher(label).matches());
	}

	@Property(tries = 2000)
	void templateNamesAsTheExpression(@ForAll("templateNames") String name) {
		assertThat(MessagePreparer.templateName(name)).isEqualTo(TEMPLATE_NAME.matcher(name).matches());
	}

}
