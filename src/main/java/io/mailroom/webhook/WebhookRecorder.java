package io.mailroom.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.mailroom.common.Ids;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records an attempt in one transaction: the attempt row for the deliveries log, the delivery's
 * next state, and the endpoint's health (a {@code 410 Gone} or five days of nothing but failures
 * disable it).
 */
@Component
class WebhookRecorder {

	private static final Logger log = LoggerFactory.getLogger(WebhookRecorder.class);

	private final WebhookQueue queue;

	private final WebhookEndpoints endpoints;

	private final RetrySchedule schedule;

	private final TransactionTemplate transactions;

	private final MeterRegistry meters;

	private final Duration disableAfter;

	WebhookRecorder(WebhookQueue queue, WebhookEndpoints endpoints, RetrySchedule schedule,
			TransactionTemplate transactions, MeterRegistry meters, WebhookProperties properties) {
		this.queue = queue;
		this.endpoints = endpoints;
		this.schedule = schedule;
		this.transactions = transactions;
		this.meters = meters;
		this.disableAfter = properties.disableAfter();
		// Every outcome exists from the start: alert ratios then read 0, not "no data".
		for (String outcome : new String[] { "success", "failure", "exhausted" }) {
			Counter.builder("mailroom.webhook.deliveries")
				.description("Webhook delivery attempts by outcome")
				.tag("outcome", outcome)
				.register(meters);
		}
	}

	void record(String worker, ClaimedDelivery delivery, WebhookSender.Attempt attempt, Instant now) {
		int number = delivery.attempts() + 1;
		Optional<Instant> retryAt = attempt.succeeded() ? Optional.empty()
				: schedule.next(number, now, attempt.retryAfter());
		String status = attempt.succeeded() ? "delivered" : retryAt.isPresent() ? "pending" : "failed";
		boolean recorded = Boolean.TRUE.equals(transactions.execute(tx -> {
			if (!queue.finishAttempt(worker, delivery.id(), status, retryAt.orElse(null), attempt.statusCode(),
					truncate(attempt.error(), 1000), now)) {
				// Our lease ran out and another instance has taken the delivery over: its record wins.
				return false;
			}
			queue.insertAttempt(Ids.next(), delivery.id(), number, attempt.startedAt(), attempt.duration().toMillis(),
					attempt.statusCode(), truncate(attempt.error(), 1000), attempt.responseBody());
			if (attempt.succeeded()) {
				endpoints.recordSuccess(delivery.endpointId());
			}
			else {
				recordFailure(delivery, attempt, now);
			}
			return true;
		}));
		if (recorded) {
			String outcome = attempt.succeeded() ? "success" : status.equals("failed") ? "exhausted" : "failure";
			Counter.builder("mailroom.webhook.deliveries")
				.description("Webhook delivery attempts by outcome")
				.tag("outcome", outcome)
				.register(meters)
				.increment();
		}
	}

	private void recordFailure(ClaimedDelivery delivery, WebhookSender.Attempt attempt, Instant now) {
		Optional<Instant> failingSince = endpoints.recordFailure(delivery.endpointId(), attempt.startedAt());
		if (failingSince.isEmpty()) {
			return; // deleted meanwhile, or already disabled
		}
		String reason = null;
		if (attempt.gone()) {
			reason = "The endpoint answered 410 Gone";
		}
		else if (!failingSince.get().isAfter(now.minus(disableAfter))) {
			reason = "Every delivery failed since " + failingSince.get() + " (endpoints are disabled after "
					+ human(disableAfter) + " of failures)";
		}
		if (reason != null && endpoints.disable(delivery.endpointId(), reason, now)) {
			log.warn("Webhook endpoint {} disabled: {}", Ids.format(WebhookEndpoint.ID_PREFIX, delivery.endpointId()),
					reason);
		}
	}

	private static String human(Duration d) {
		return d.toHours() % 24 == 0 ? d.toDays() + " days" : d.toHours() + " hours";
	}

	private static String truncate(String s, int max) {
		return s == null || s.length() <= max ? s : s.substring(0, max);
	}

}
