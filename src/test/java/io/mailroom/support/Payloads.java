package io.mailroom.support;

/** Request bodies tests send. */
public final class Payloads {

	private Payloads() {
	}

	public static String orderConfirmation(String to) {
		return """
				{"template": "order-confirmation",
				 "to": [{"email": "%s", "name": "Ana Lima"}],
				 "from": {"email": "shop@example.com", "name": "Example Shop"},
				 "tags": ["checkout"], "metadata": {"orderId": "A-1001"},
				 "data": {
				   "customer": {"name": "Ana Lima", "email": "%s"},
				   "order": {"number": "A-1001", "placedAt": "2026-11-28T10:15:00Z", "currency": "EUR",
				     "items": [{"name": "Espresso beans 1 kg", "sku": "EB-1", "quantity": 2, "unitPrice": 18.50},
				               {"name": "Milk jug", "sku": "MJ-2", "quantity": 1, "unitPrice": 12.00}],
				     "subtotal": 49.00, "shipping": 4.90, "tax": 9.31, "total": 63.21,
				     "shippingAddress": {"name": "Ana Lima", "line1": "Rua Augusta 1", "city": "Lisboa",
				       "postalCode": "1100-053", "country": "PT"}}
				 }}""".formatted(to, to);
	}

	public static String alert(String to, String summary) {
		return """
				{"template": "alert", "to": [{"email": "%s"}],
				 "data": {"severity": "critical", "title": "Disk full on db-1", "summary": %s,
				          "source": "monitoring", "occurredAt": "2026-11-28T10:15:00Z",
				          "actionUrl": "https://console.example.com/alerts/42"}}""".formatted(to,
				tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(summary));
	}

}
