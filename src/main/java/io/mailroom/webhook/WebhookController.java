package io.mailroom.webhook;

import java.net.URI;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/webhooks")
@Tag(name = "Webhooks")
class WebhookController {

	private final WebhookService webhooks;

	WebhookController(WebhookService webhooks) {
		this.webhooks = webhooks;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Create an endpoint; the response shows its signing secret, once")
	ResponseEntity<WebhookViews.Endpoint> create(@RequestBody WebhookViews.EndpointRequest request) {
		WebhookViews.Endpoint created = webhooks.create(request);
		return ResponseEntity.created(URI.create("/webhooks/" + created.id())).body(created);
	}

	@GetMapping
	@Operation(summary = "All endpoints, oldest first")
	WebhookViews.Page<WebhookViews.Endpoint> list() {
		return new WebhookViews.Page<>(webhooks.list(), null);
	}

	@GetMapping("/{id}")
	@Operation(summary = "One endpoint, including whether it is disabled and why")
	WebhookViews.Endpoint get(@PathVariable String id) {
		return webhooks.get(id);
	}

	@PatchMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Change url, events, description, or enable/disable the endpoint")
	WebhookViews.Endpoint update(@PathVariable String id, @RequestBody WebhookViews.EndpointRequest request) {
		return webhooks.update(id, request);
	}

	@DeleteMapping("/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(summary = "Delete an endpoint and its deliveries log")
	void delete(@PathVariable String id) {
		webhooks.delete(id);
	}

	@PostMapping("/{id}/rotate-secret")
	@Operation(summary = "New signing secret; the previous one keeps signing for 24 h")
	WebhookViews.Endpoint rotateSecret(@PathVariable String id) {
		return webhooks.rotateSecret(id);
	}

	@PostMapping("/{id}/test")
	@ResponseStatus(HttpStatus.ACCEPTED)
	@Operation(summary = "Queue a webhook.test event for this endpoint")
	WebhookViews.Delivery test(@PathVariable String id) {
		return webhooks.sendTest(id);
	}

	@GetMapping("/{id}/deliveries")
	@Operation(summary = "The deliveries log, newest first, each delivery with its attempts")
	WebhookViews.Page<WebhookViews.Delivery> deliveries(@PathVariable String id,
			@RequestParam(required = false) String status, @RequestParam(required = false) Integer limit,
			@RequestParam(required = false) String cursor) {
		return webhooks.deliveries(id, status, limit, cursor);
	}

	@GetMapping("/{id}/deliveries/{deliveryId}")
	@Operation(summary = "One delivery with its attempts")
	WebhookViews.Delivery delivery(@PathVariable String id, @PathVariable String deliveryId) {
		return webhooks.delivery(id, deliveryId);
	}

	@PostMapping("/{id}/deliveries/{deliveryId}/replay")
	@ResponseStatus(HttpStatus.ACCEPTED)
	@Operation(summary = "Send a finished delivery's event again (same webhook-id)")
	WebhookViews.Delivery replay(@PathVariable String id, @PathVariable String deliveryId) {
		return webhooks.replay(id, deliveryId);
	}

}
