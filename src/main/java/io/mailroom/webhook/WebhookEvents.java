package io.mailroom.webhook;

import java.util.List;

import io.mailroom.message.MessageEvent;

/** The event types an endpoint can subscribe to (SPEC §2), and the test event. */
final class WebhookEvents {

	/** Subscribes to every type, including types added in later versions. */
	static final String ALL = "*";

	static final String TEST = "webhook.test";

	static final List<String> MESSAGE_TYPES = List.of(MessageEvent.QUEUED, MessageEvent.DELIVERED,
			MessageEvent.DEFERRED, MessageEvent.BOUNCED, MessageEvent.FAILED, MessageEvent.SUPPRESSED,
			MessageEvent.CANCELLED, MessageEvent.COMPLAINED);

	private WebhookEvents() {
	}

}
