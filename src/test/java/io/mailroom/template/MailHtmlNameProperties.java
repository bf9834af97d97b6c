package io.mailroom.template;

import java.util.regex.Pattern;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The element and attribute name checks are written by hand (they run for every tag of every
 * rendering); they accept exactly what the regular expressions they replaced accept.
 */
class MailHtmlNameProperties {

	private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[a-z_:][-a-z0-9_:.]*");

	private static final Pattern ELEMENT_NAME = Pattern.compile("[a-z][a-z0-9-]*(:[a-z][a-z0-9-]*)?");

	@Provide
	Arbitrary<String> names() {
		return Arbitraries.strings().withChars("az09-_:./ AZ\u00e9\u0000").ofMaxLength(8);
	}

	@Property(tries = 2000)
	void attributeNamesAsTheExpression(@ForAll("names") String name) {
		assertThat(MailHtml.attributeName(name)).isEqualTo(ATTRIBUTE_NAME.matcher(name).matches());
	}

	@Property(tries = 2000)
	void elementNamesAsTheExpression(@ForAll("names") String name) {
		assertThat(MailHtml.validName(name)).isEqualTo(ELEMENT_NAME.matcher(name).matches());
	}

}
