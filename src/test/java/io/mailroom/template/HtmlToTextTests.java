package io.mailroom.template;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlToTextTests {

	private static String text(String html) {
		return PlainText.tidy(HtmlToText.convert(html));
	}

	@Test
	void linksKeepTheirUrl() {
		assertThat(text("<p>See <a href=\"https://example.com/x\">your order</a> now.</p>"))
			.isEqualTo("See your order (https://example.com/x) now.\n");
	}

	@Test
	void linksWhoseTextIsTheUrlAreNotRepeated() {
		assertThat(text("<p><a href=\"https://example.com\">https://example.com</a> and "
				+ "<a href=\"mailto:help@example.com\">help@example.com</a></p>"))
			.isEqualTo("https://example.com and help@example.com\n");
	}

	@Test
	void paragraphsHeadingsAndListsAreSeparated() {
		assertThat(text("<h1>Title</h1><p>One\n   two</p><ul><li>a</li><li>b</li></ul><ol><li>x</li><li>y</li></ol><p>End<br>line</p>"))
			.isEqualTo("Title\n\nOne two\n\n- a\n- b\n\n1. x\n2. y\n\nEnd\nline\n");
	}

	@Test
	void tableCellsSitSideBySide() {
		assertThat(text("<table><tr><td>Total</td><td>€10.00</td></tr><tr><td>Tax</td><td>€1.00</td></tr></table>"))
			.isEqualTo("Total  €10.00\nTax  €1.00\n");
	}

	@Test
	void hiddenPreheadersStylesAndImagesWithoutAltAreLeftOut() {
		assertThat(text("<head><style>p{}</style><title>T</title></head><body><div style=\"display: none\">pre</div>"
				+ "<img src=\"logo.png\"><img src=\"x.png\" alt=\"Logo\"><p>Body</p></body>"))
			.isEqualTo("Logo\n\nBody\n");
	}

	@Test
	void preformattedTextKeepsItsLines() {
		assertThat(text("<pre>a\n  b</pre><div style=\"white-space: pre-wrap\">c\n  d</div>"))
			.isEqualTo("a\n  b\n\nc\n  d\n");
	}

}
