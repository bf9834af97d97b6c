package io.mailroom.delivery;

/**
 * A last change to a message before it is sent to one recipient: headers that name the recipient
 * (List-Unsubscribe) and then the DKIM signature over the final bytes. Finishers run in
 * {@link org.springframework.core.annotation.Order} order.
 */
public interface MessageFinisher {

	byte[] finish(ClaimedRecipient recipient, byte[] message);

}
