package io.mailroom.webhook;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.mailroom.common.Ids;
import io.mailroom.web.FieldProblem;
import io.mailroom.web.ProblemException;
import io.mailroom.web.ProblemType;

import org.springframework.stereotype.Service;

/** Endpoint management and the deliveries log: what the {@code /webhooks} API does. */
@Service
class WebhookService {

	private static final int MAX_URL_LENGTH = 2000;

	private static final int MAX_DESCRIPTION_LENGTH = 500;

	private static final Set<String> DELIVERY_STATUSES = Set.of("pending", "sending", "delivered", "failed");

	private final WebhookEndpoints endpoints;

	private final WebhookQueue queue;

	private final DeliveryLog log;

	private final TargetGuard guard;

	private final WebhookProperties properties;

	private final Clock clock;

	WebhookService(WebhookEndpoints endpoints, WebhookQueue queue, DeliveryLog log, TargetGuard guard,
			WebhookProperties properties, Clock clock) {
		this.endpoints = endpoints;
		this.queue = queue;
		this.log = log;
		this.guard = guard;
		this.properties = properties;
		this.clock = clock;
	}

	WebhookViews.Endpoint create(WebhookViews.EndpointRequest request) {
		List<FieldProblem> problems = new ArrayList<>();
		if (request.url() == null || request.url().isBlank()) {
			problems.add(new FieldProblem("url", "is required"));
		}
		else {
			checkUrl(request.url(), problems);
		}
		List<String> types = request.events() == null ? null : eventTypes(request.events(), problems);
		checkDescription(request.description(), problems);
		if (!problems.isEmpty()) {
			throw ProblemException.invalid(problems);
		}
		Instant now = clock.instant();
		String secret = WebhookSignature.newSecret();
		WebhookEndpoint endpoint = new WebhookEndpoint(Ids.next(), request.url().trim(), request.description(), types,
				request.enabled() == null || request.enabled(), null, null, secret, null, null, null, now, now);
		endpoints.insert(endpoint);
		return WebhookViews.Endpoint.of(endpoints.find(endpoint.id()).orElseThrow(), secret, now);
	}

	List<WebhookViews.Endpoint> list() {
		Instant now = clock.instant();
		return endpoints.list().stream().map(e -> WebhookViews.Endpoint.of(e, null, now)).toList();
	}

	WebhookViews.Endpoint get(String id) {
		return WebhookViews.Endpoint.of(find(id), null, clock.instant());
	}

	WebhookViews.Endpoint update(String id, WebhookViews.EndpointRequest request) {
		WebhookEndpoint current = find(id);
		List<FieldProblem> problems = new ArrayList<>();
		String url = current.url();
		if (request.url() != null) {
			checkUrl(request.url(), problems);
			url = request.url().trim();
		}
		List<String> types = request.events() == null ? current.eventTypes() : eventTypes(request.events(), problems);
		String description = request.description() != null ? request.description() : current.description();
		checkDescription(description, problems);
		if (!problems.isEmpty()) {
			throw ProblemException.invalid(problems);
		}
		boolean enabled = request.enabled() != null ? request.enabled() : current.enabled();
		Instant now = clock.instant();
		endpoints.update(new WebhookEndpoint(current.id(), url, description, types, enabled, null, null, null, null,
				null, null, current.createdAt(), now), now);
		return WebhookViews.Endpoint.of(endpoints.find(current.id()).orElseThrow(), null, now);
	}

	void delete(String id) {
		if (!endpoints.delete(find(id).id())) {
			throw notFound(id);
		}
	}

	/** A new secret; the old one keeps signing (a second {@code v1,} entry) for the overlap. */
	WebhookViews.Endpoint rotateSecret(String id) {
		WebhookEndpoint endpoint = find(id);
		Instant now = clock.instant();
		String secret = WebhookSignature.newSecret();
		endpoints.rotate(endpoint.id(), secret, now.plus(properties.secretOverlap()), now);
		return WebhookViews.Endpoint.of(endpoints.find(endpoint.id()).orElseThrow(), secret, now);
	}

	WebhookViews.Delivery sendTest(String id) {
		WebhookEndpoint endpoint = enabled(find(id));
		UUID deliveryId = Ids.next();
		queue.enqueueTest(deliveryId, endpoint.id(), clock.instant());
		return log.find(endpoint.id(), deliveryId).orElseThrow();
	}

	WebhookViews.Delivery replay(String id, String deliveryId) {
		WebhookEndpoint endpoint = enabled(find(id));
		UUID original = parseDelivery(deliveryId);
		WebhookViews.Delivery existing = log.find(endpoint.id(), original)
			.orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND, "No delivery " + deliveryId));
		UUID replayId = Ids.next();
		if (!queue.enqueueReplay(replayId, endpoint.id(), original, clock.instant())) {
			throw new ProblemException(ProblemType.CONFLICT,
					"Delivery " + deliveryId + " is still " + existing.status() + "; only finished deliveries are replayed");
		}
		return log.find(endpoint.id(), replayId).orElseThrow();
	}

	WebhookViews.Page<WebhookViews.Delivery> deliveries(String id, String status, Integer limit, String cursor) {
		WebhookEndpoint endpoint = find(id);
		List<FieldProblem> problems = new ArrayList<>();
		if (status != null && !DELIVERY_STATUSES.contains(status)) {
			problems.add(new FieldProblem("status", "must be one of pending, sending, delivered, failed"));
		}
		int size = limit == null ? 50 : limit;
		if (size < 1 || size > 100) {
			problems.add(new FieldProblem("limit", "must be between 1 and 100"));
		}
		if (cursor != null) {
			try {
				DeliveryLog.decodeCursor(cursor);
			}
			catch (IllegalArgumentException ex) {
				problems.add(new FieldProblem("cursor", "is not a cursor from a previous page"));
			}
		}
		if (!problems.isEmpty()) {
			throw ProblemException.invalid(problems);
		}
		return log.page(endpoint.id(), status, size, cursor);
	}

	WebhookViews.Delivery delivery(String id, String deliveryId) {
		return log.find(find(id).id(), parseDelivery(deliveryId))
			.orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND, "No delivery " + deliveryId));
	}

	private WebhookEndpoint find(String id) {
		UUID uuid;
		try {
			uuid = Ids.parse(WebhookEndpoint.ID_PREFIX, id);
		}
		catch (IllegalArgumentException ex) {
			throw notFound(id);
		}
		return endpoints.find(uuid).orElseThrow(() -> notFound(id));
	}

	private static WebhookEndpoint enabled(WebhookEndpoint endpoint) {
		if (!endpoint.enabled()) {
			throw new ProblemException(ProblemType.CONFLICT,
					"Webhook " + endpoint.publicId() + " is disabled; enable it first (PATCH {\"enabled\": true})");
		}
		return endpoint;
	}

	private static UUID parseDelivery(String deliveryId) {
		try {
			return Ids.parse(DeliveryLog.ID_PREFIX, deliveryId);
		}
		catch (IllegalArgumentException ex) {
			throw new ProblemException(ProblemType.NOT_FOUND, "No delivery " + deliveryId);
		}
	}

	private static ProblemException notFound(String id) {
		return new ProblemException(ProblemType.NOT_FOUND, "No webhook " + id);
	}

	private void checkUrl(String url, List<FieldProblem> problems) {
		if (url.length() > MAX_URL_LENGTH) {
			problems.add(new FieldProblem("url", "must be at most " + MAX_URL_LENGTH + " characters"));
			return;
		}
		try {
			guard.check(url.trim());
		}
		catch (TargetGuard.RefusedTarget ex) {
			problems.add(new FieldProblem("url", ex.getMessage()));
		}
	}

	private static void checkDescription(String description, List<FieldProblem> problems) {
		if (description != null && description.length() > MAX_DESCRIPTION_LENGTH) {
			problems.add(new FieldProblem("description", "must be at most " + MAX_DESCRIPTION_LENGTH + " characters"));
		}
	}

	/** The stored filter: null for all types, else the distinct listed types. */
	private static List<String> eventTypes(List<String> events, List<FieldProblem> problems) {
		if (events.isEmpty()) {
			problems.add(new FieldProblem("events", "must list at least one event type, or [\"*\"] for all"));
			return null;
		}
		Set<String> types = new LinkedHashSet<>();
		for (int i = 0; i < events.size(); i++) {
			String type = events.get(i);
			if (WebhookEvents.ALL.equals(type)) {
				return null;
			}
			if (type == null || !WebhookEvents.MESSAGE_TYPES.contains(type)) {
				problems.add(new FieldProblem("events[" + i + "]",
						"is not an event type; use one of " + String.join(", ", WebhookEvents.MESSAGE_TYPES) + " or *"));
			}
			types.add(type);
		}
		return List.copyOf(types);
	}

}
