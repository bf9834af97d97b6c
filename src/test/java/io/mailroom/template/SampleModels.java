package io.mailroom.template;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Models shaped like the JSON the API receives (maps, lists, numbers, strings). */
final class SampleModels {

	private SampleModels() {
	}

	static Map<String, Object> order() {
		Map<String, Object> order = new LinkedHashMap<>();
		order.put("number", "A-1001");
		order.put("placedAt", "2026-05-01T10:15:00Z");
		order.put("currency", "EUR");
		order.put("items",
				List.of(item("Trail running shoes", "SH-42", 1, 1234.5), item("Merino socks", "SO-3", 3, 9.9)));
		order.put("subtotal", 1264.2);
		order.put("shipping", 4.9);
		order.put("tax", 202.63);
		order.put("total", 1269.1);
		order.put("shippingAddress", new LinkedHashMap<>(Map.of("name", "Ana Lima", "line1", "Hauptstraße 5",
				"postalCode", "10115", "city", "Berlin", "country", "Germany")));
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("customer", new LinkedHashMap<>(Map.of("name", "Ana Lima", "email", "ana@example.com")));
		data.put("order", order);
		data.put("trackingUrl", "https://track.example.com/A-1001");
		return data;
	}

	static Map<String, Object> item(String name, String sku, int quantity, double unitPrice) {
		Map<String, Object> item = new LinkedHashMap<>();
		item.put("name", name);
		item.put("sku", sku);
		item.put("quantity", quantity);
		item.put("unitPrice", unitPrice);
		return item;
	}

	static Map<String, Object> alert(String severity) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("severity", severity);
		data.put("title", "Disk almost full on db-1");
		data.put("summary", "The data volume of db-1 is 93% full.");
		data.put("details", "Filesystem /var/lib/postgresql\n  used: 93%\n  free: 7.1 GB");
		data.put("source", "db-1.eu-central");
		data.put("occurredAt", "2026-05-01T10:15:00Z");
		data.put("actionUrl", "https://console.example.com/alerts/42");
		return data;
	}

}
