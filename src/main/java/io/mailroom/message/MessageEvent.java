package io.mailroom.message;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * An event to append to a message's timeline and to the webhook outbox, in the transaction of the
 * state change it describes.
 *
 * @param type {@code message.queued}, {@code message.delivered}, …
 * @param data the webhook payload's {@code data} object
 */
public record MessageEvent(UUID id, UUID messageId, UUID recipientId, String type, Instant occurredAt,
		Map<String, Object> data) {

	public static final String QUEUED = "message.queued";

	public static final String DELIVERED = "message.delivered";

	public static final String DEFERRED = "message.deferred";

	public static final String BOUNCED = "message.bounced";

	public static final String FAILED = "message.failed";

	public static final String SUPPRESSED = "message.suppressed";

	public static final String CANCELLED = "message.cancelled";

	/** A feedback loop (ARF) report: the recipient marked the message as spam. */
	public static final String COMPLAINED = "message.complained";

}
