package io.mailroom.message;

/** Example bodies for the OpenAPI document (kept together so the controller stays readable). */
final class ApiExamples {

	private ApiExamples() {
	}

	static final String SEND_REQUEST = """
			{
			  "template": "order-confirmation",
			  "to": [{"email": "ana@example.com", "name": "Ana Lima"}],
			  "bcc": [{"email": "archive@example.com"}],
			  "from": {"email": "shop@example.com", "name": "Example Shop"},
			  "replyTo": "help@example.com",
			  "locale": "en",
			  "data": {
			    "customer": {"name": "Ana Lima", "email": "ana@example.com"},
			    "order": {"number": "A-1001", "placedAt": "2026-11-28T10:15:00Z", "currency": "EUR",
			      "items": [{"name": "Espresso beans 1 kg", "sku": "EB-1", "quantity": 2, "unitPrice": 18.50}],
			      "subtotal": 37.00, "shipping": 4.90, "tax": 7.03, "total": 48.93,
			      "shippingAddress": {"name": "Ana Lima", "line1": "Rua Augusta 1", "city": "Lisboa",
			        "postalCode": "1100-053", "country": "PT"}}
			  },
			  "headers": {"X-Campaign": "spring"},
			  "tags": ["checkout"],
			  "metadata": {"orderId": "A-1001"},
			  "priority": "normal",
			  "attachments": [{"filename": "invoice.pdf", "contentType": "application/pdf",
			                   "content": "JVBERi0xLjQKJcfsj6IK"}]
			}""";

	static final String ACCEPTED = """
			{
			  "id": "msg_019ac6d47b2a70008000000000000001",
			  "status": "queued",
			  "recipients": [{"email": "ana@example.com", "status": "queued"},
			                 {"email": "archive@example.com", "status": "queued"}],
			  "createdAt": "2026-11-28T10:15:01.123Z"
			}""";

	static final String VALIDATION_PROBLEM = """
			{
			  "type": "urn:mailroom:problem:validation",
			  "title": "The request is invalid",
			  "status": 400,
			  "detail": "to[0].email: is not an email address (local-part@domain)",
			  "instance": "/messages",
			  "errors": [{"field": "to[0].email", "message": "is not an email address (local-part@domain)"}]
			}""";

	static final String UNKNOWN_TEMPLATE_PROBLEM = """
			{
			  "type": "urn:mailroom:problem:unknown-template",
			  "title": "No template with that name",
			  "status": 422,
			  "detail": "No template named 'order-confirmaton'",
			  "instance": "/messages",
			  "errors": [{"field": "template", "message": "No template named 'order-confirmaton'"}]
			}""";

	static final String BATCH_REQUEST = """
			{
			  "messages": [
			    {"template": "alert", "to": [{"email": "oncall@example.com"}],
			     "data": {"severity": "critical", "title": "Disk full on db-1", "summary": "97 % used"}},
			    {"template": "alert", "to": [{"email": "ops@example.com"}], "priority": "low",
			     "data": {"severity": "info", "title": "Backup finished", "summary": "all good"}}
			  ]
			}""";

	static final String BATCH_MIXED = """
			{
			  "messages": [
			    {"id": "msg_019ac6d47b2a70008000000000000001", "status": "queued",
			     "recipients": [{"email": "oncall@example.com", "status": "queued"}],
			     "createdAt": "2026-11-28T10:15:01.123Z"},
			    {"type": "urn:mailroom:problem:validation", "title": "The request is invalid", "status": 400,
			     "detail": "to[0].email: is not an email address (local-part@domain)",
			     "errors": [{"field": "to[0].email", "message": "is not an email address (local-part@domain)"}]}
			  ]
			}""";

}
