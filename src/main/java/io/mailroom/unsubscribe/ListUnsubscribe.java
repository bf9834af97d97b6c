package io.mailroom.unsubscribe;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import io.mailroom.delivery.ClaimedRecipient;
import io.mailroom.delivery.MessageFinisher;
import io.mailroom.delivery.VerpAddress;

import org.springframework.core.annotation.Order;

import org.springframework.stereotype.Component;

/**
 * The RFC 2369 / RFC 8058 headers of promotional mail. They name the recipient, so they are added
 * per recipient when the message is sent (the stored MIME is shared by all recipients).
 */
@Component
@Order(100)
public class ListUnsubscribe implements MessageFinisher {

	private final UnsubscribeTokens tokens;

	private final String publicUrl;

	private final String mailDomain;

	public ListUnsubscribe(UnsubscribeTokens tokens, UnsubscribeProperties properties, VerpAddress verp) {
		this.tokens = tokens;
		String url = properties.publicUrl();
		this.publicUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
		this.mailDomain = verp.domain();
	}

	public String url(UUID recipientId) {
		return publicUrl + "/unsubscribe/" + tokens.issue(recipientId);
	}

	/** The header block (CRLF line ends) to put in front of the message's own headers. */
	public byte[] headers(UUID recipientId) {
		String token = tokens.issue(recipientId);
		String headers = "List-Unsubscribe: <" + publicUrl + "/unsubscribe/" + token + ">,\r\n <mailto:unsubscribe+"
				+ token + "@" + mailDomain + ">\r\n" + "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n";
		return headers.getBytes(StandardCharsets.US_ASCII);
	}

	@Override
	public byte[] finish(ClaimedRecipient recipient, byte[] message) {
		return recipient.marketing() ? addTo(message, recipient.id()) : message;
	}

	/** The message with the headers in front. */
	public byte[] addTo(byte[] message, UUID recipientId) {
		byte[] headers = headers(recipientId);
		byte[] result = new byte[headers.length + message.length];
		System.arraycopy(headers, 0, result, 0, headers.length);
		System.arraycopy(message, 0, result, headers.length, message.length);
		return result;
	}

}
