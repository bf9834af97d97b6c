package io.mailroom.message;

import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;

import tools.jackson.databind.json.JsonMapper;

/**
 * Prints, as a psql script, {@code EXPLAIN ANALYZE} of the exact SQL {@link MessageSearch} runs for
 * a set of filters, with the parameters inlined. Used by {@code bench/api/search-explain.sh}.
 */
public final class SearchPlanQueries {

	private SearchPlanQueries() {
	}

	public static void main(String[] args) {
		// Filters written as query strings; values match the data the bench script generates.
		String[] queries = { "", "cursor=@60", "status=failed", "status=bounced&template=alert&since=@30",
				"status=delivered", "recipient=oncall@example.com", "recipient=user4242@example.com",
				"tag=checkout", "tag=nightly", "tag=nosuchtag", "status=delivered&tag=nosuchtag",
				"status=bounced&tag=checkout", "metadata.orderId=A-123456", "metadata.shop=s3",
				"metadata.shop=nosuch", "status=delivered&metadata.orderId=A-123456", "template=password-reset",
				"since=@10&until=@9" };
		MessageSearch search = new MessageSearch(null, JsonMapper.builder().build());
		for (String query : queries) {
			Map<String, String[]> parameters = new LinkedHashMap<>();
			for (String pair : query.isEmpty() ? new String[0] : query.split("&")) {
				String name = pair.substring(0, pair.indexOf('='));
				String value = pair.substring(pair.indexOf('=') + 1);
				if (value.startsWith("@")) {
					// "@N": N days ago (the data spans the last 90 days).
					java.time.Instant at = java.time.Instant.now().minus(java.time.Duration.ofDays(Long.parseLong(value.substring(1))));
					value = name.equals("cursor")
							? new PageCursor(at, java.util.UUID.fromString("ffffffff-ffff-ffff-ffff-ffffffffffff")).encode()
							: at.toString();
				}
				parameters.put(name, new String[] { value });
			}
			MessageSearch.Query sql = search.query(MessageFilter.parse(parameters));
			String text = sql.sql();
			for (String name : sql.parameters().getParameterNames()) {
				Object value = sql.parameters().getValue(name);
				String literal = value instanceof Integer ? value.toString()
						: value instanceof Timestamp t ? "'" + t.toInstant() + "'::timestamptz" : "'" + value + "'";
				text = text.replaceAll(":" + name + "(?![A-Za-z0-9])", Matcher.quoteReplacement(literal));
			}
			System.out.println("\\echo '=== " + (query.isEmpty() ? "(no filter)" : query) + "'");
			System.out.println("explain (analyze, buffers, costs off) " + text.replace('\n', ' ') + ";");
		}
	}

}
