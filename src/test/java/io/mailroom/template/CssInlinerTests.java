package io.mailroom.template;

import static org.assertj.core.api.Assertions.assertThat;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

class CssInlinerTests {

	private static Document inline(String html) {
		Document doc = Jsoup.parse(html);
		CssInliner.inline(doc);
		return doc;
	}

	@Test
	void laterRulesOfEqualSpecificityWin() {
		Document doc = inline("<style>p { color: red; } p { color: blue; }</style><p>x</p>");

		assertThat(doc.selectFirst("p").attr("style")).isEqualTo("color: blue;");
	}

	@Test
	void moreSpecificRulesWinRegardlessOfOrder() {
		Document doc = inline("<style>#a { color: green; } .b { color: blue; } p { color: red; }</style>"
				+ "<p id=\"a\" class=\"b\">x</p><p class=\"b\">y</p>");

		assertThat(doc.select("p").eachAttr("style")).containsExactly("color: green;", "color: blue;");
	}

	@Test
	void ownStyleAttributeBeatsSheetButNotImportant() {
		Document doc = inline("<style>p { color: red; margin: 0 !important; padding: 1px; }</style>"
				+ "<p style=\"color: black; margin: 4px; padding: 2px\">x</p>");

		assertThat(doc.selectFirst("p").attr("style"))
			.isEqualTo("color: black; padding: 2px; margin: 0 !important;");
	}

	@Test
	void mediaQueriesAndDynamicPseudoClassesStayInTheHead() {
		Document doc = inline("<html><head><style>a { color: red; } a:hover { color: blue; }"
				+ " @media (max-width: 600px) { a { color: green !important; } }"
				+ " @import url(https://evil.example/x.css);</style></head><body><a href=\"#\">x</a></body></html>");

		assertThat(doc.selectFirst("a").attr("style")).isEqualTo("color: red;");
		assertThat(doc.select("style")).hasSize(1);
		String kept = doc.selectFirst("head > style").data();
		assertThat(kept).contains("a:hover { color: blue; }")
			.contains("@media (max-width: 600px) { a { color: green !important; } }")
			.doesNotContain("@import");
	}

	@Test
	void selectorListsAndDescendantsAreInlined() {
		Document doc = inline("<style>/* comment */ h1, .t td { font-weight: bold } table.t > tbody > tr > td:first-child { color: red }</style>"
				+ "<h1>a</h1><table class=\"t\"><tr><td>1</td><td>2</td></tr></table>");

		assertThat(doc.selectFirst("h1").attr("style")).isEqualTo("font-weight: bold;");
		assertThat(doc.select("td").eachAttr("style")).containsExactly("font-weight: bold; color: red;",
				"font-weight: bold;");
	}

	@Test
	void scriptInCssIsDropped() {
		Document doc = inline("<style>p { background: url(javascript:alert(1)); width: expression(alert(1)); color: red }</style><p>x</p>");

		assertThat(doc.selectFirst("p").attr("style")).isEqualTo("color: red;");
	}

	@Test
	void semicolonsInsideUrlsDoNotSplitDeclarations() {
		Document doc = inline("<style>p { background-image: url('data:image/png;base64,AAAA'); color: red }</style><p>x</p>");

		assertThat(doc.selectFirst("p").attr("style"))
			.isEqualTo("background-image: url('data:image/png;base64,AAAA'); color: red;");
	}

	@Test
	void specificityCountsIdsClassesAndTypes() {
		assertThat(CssInliner.specificity("td")).isEqualTo(0x000001);
		assertThat(CssInliner.specificity(".items td")).isEqualTo(0x000101);
		assertThat(CssInliner.specificity(".items .num")).isEqualTo(0x000200);
		assertThat(CssInliner.specificity("#main a[href]:first-child")).isEqualTo(0x010201);
	}

}
