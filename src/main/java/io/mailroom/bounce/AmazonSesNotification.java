package io.mailroom.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Amazon SES event notifications delivered by SNS e-mail subscriptions: a JSON document
 * ({@code notificationType} or {@code eventType}: Bounce, Complaint, Delivery) as the body.
 */
final class AmazonSesNotification implements BounceFormat {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Override
	public List<RecipientFinding> read(MailMessage message) {
		JsonNode root = json(message.readableText());
		if (root == null) {
			return List.of();
		}
		String type = root.path("notificationType").asString(root.path("eventType").asString("")).toLowerCase(Locale.ROOT);
		List<RecipientFinding> found = new ArrayList<>();
		switch (type) {
			case "bounce" -> {
				JsonNode bounce = root.path("bounce");
				boolean transient_ = bounce.path("bounceType").asString("").equalsIgnoreCase("Transient");
				String mta = bounce.path("remoteMtaIp").asString(bounce.path("reportingMTA").asString(""));
				for (JsonNode r : bounce.path("bouncedRecipients").values()) {
					RecipientFinding f = new RecipientFinding(Addresses.first(r.path("emailAddress").asString("")));
					f.action = r.path("action").asString(transient_ ? "delayed" : "failed");
					f.status = DeliveryStatusReport.statusOf(r.path("status").asString(""));
					String diagnostic = r.path("diagnosticCode").asString("");
					int semi = diagnostic.indexOf(';');
					if (semi > 0 && semi < 12) {
						f.diagnosticType = diagnostic.substring(0, semi).trim();
						diagnostic = diagnostic.substring(semi + 1);
					}
					f.diagnostic = diagnostic.trim();
					f.remoteMta = mta.replaceFirst("^dns;\\s*", "");
					if (f.diagnostic.isEmpty()) {
						f.diagnostic = bounce.path("bounceSubType").asString("");
						f.reason = subTypeReason(f.diagnostic);
					}
					if (!f.recipient.isEmpty()) {
						found.add(f);
					}
				}
			}
			case "delivery" -> {
				JsonNode delivery = root.path("delivery");
				for (JsonNode r : delivery.path("recipients").values()) {
					RecipientFinding f = new RecipientFinding(Addresses.first(r.asString("")));
					f.action = "delivered";
					f.diagnostic = delivery.path("smtpResponse").asString("");
					f.status = EnhancedStatus.find(f.diagnostic, "2");
					f.reason = Reason.DELIVERED;
					f.remoteMta = delivery.path("reportingMTA").asString("");
					if (!f.recipient.isEmpty()) {
						found.add(f);
					}
				}
			}
			default -> {
				return List.of();
			}
		}
		return found;
	}

	private static Reason subTypeReason(String subType) {
		return switch (subType.toLowerCase(Locale.ROOT)) {
			case "suppressed", "onaccountsuppressionlist" -> Reason.SUSPEND;
			case "noemail" -> Reason.USERUNKNOWN;
			case "mailboxfull" -> Reason.MAILBOXFULL;
			case "messagetoolarge" -> Reason.MESGTOOBIG;
			case "contentrejected" -> Reason.CONTENTERROR;
			case "attachmentrejected" -> Reason.SECURITYERROR;
			default -> null;
		};
	}

	/** The SES JSON document in the body, or null when the body carries none. */
	static JsonNode json(String body) {
		int start = body.indexOf('{');
		if (start < 0 || !body.contains("notificationType") && !body.contains("eventType")) {
			return null;
		}
		int end = body.lastIndexOf('}');
		if (end <= start) {
			return null;
		}
		try {
			// SNS e-mail wraps long lines; the JSON itself has no line breaks
			JsonNode root = JSON.readTree(body.substring(start, end + 1).replaceAll("\\n ?", ""));
			if (root.path("Message").isString()) {
				root = JSON.readTree(root.path("Message").asString());
			}
			return root.has("notificationType") || root.has("eventType") ? root : null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

}
