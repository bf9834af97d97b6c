package io.mailroom.delivery;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Signs the final bytes with the sender domain's DKIM key, when one is configured. It runs last:
 * the signature must cover the headers added per recipient (List-Unsubscribe).
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
class DkimFinisher implements MessageFinisher {

	private final DkimSigners signers;

	DkimFinisher(DkimSigners signers) {
		this.signers = signers;
	}

	@Override
	public byte[] finish(ClaimedRecipient recipient, byte[] message) {
		String from = recipient.fromEmail();
		String domain = from.substring(from.lastIndexOf('@') + 1);
		return signers.forDomain(domain).map(signer -> signer.sign(message)).orElse(message);
	}

}
