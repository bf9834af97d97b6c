package io.mailroom.webhook;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Makes one HTTP attempt of a delivery: checks the target (SSRF guard), signs, POSTs, and reports
 * what happened, including the first kilobyte of the answer for the deliveries log. Never throws:
 * every failure is an outcome to record.
 */
class WebhookSender {

	/** How much of a response body is kept for the deliveries log. */
	static final int BODY_LIMIT = 1024;

	private final HttpClient http;

	private final TargetGuard guard;

	private final WebhookPayload payload;

	private final Duration timeout;

	private final Clock clock;

	private final String userAgent;

	WebhookSender(HttpClient http, TargetGuard guard, WebhookPayload payload, Duration timeout, Clock clock,
			String userAgent) {
		this.http = http;
		this.guard = guard;
		this.payload = payload;
		this.timeout = timeout;
		this.clock = clock;
		this.userAgent = userAgent;
	}

	/**
	 * What one attempt produced.
	 *
	 * @param statusCode the HTTP status, null when no response arrived
	 * @param error why it failed, null on success
	 * @param retryAfter the {@code Retry-After} header of a 429 or 503, if any
	 */
	record Attempt(Instant startedAt, Duration duration, Integer statusCode, String error, String responseBody,
			Duration retryAfter) {

		boolean succeeded() {
			return statusCode != null && statusCode >= 200 && statusCode < 300;
		}

		boolean gone() {
			return statusCode != null && statusCode == 410;
		}

	}

	/** Builds the client every attempt goes through: no redirects, HTTP/1.1, the delivery timeout. */
	static HttpClient client(Duration timeout) {
		return HttpClient.newBuilder()
			.connectTimeout(timeout)
			// A redirect could point anywhere, including inside our network (see TargetGuard).
			.followRedirects(HttpClient.Redirect.NEVER)
			// Plain-text HTTP/2 upgrades confuse simple receivers; webhooks gain nothing from HTTP/2.
			.version(HttpClient.Version.HTTP_1_1)
			.build();
	}

	Attempt send(ClaimedDelivery delivery) {
		Instant startedAt = clock.instant();
		long start = System.nanoTime();
		URI target;
		try {
			target = guard.check(delivery.url());
		}
		catch (TargetGuard.RefusedTarget ex) {
			return new Attempt(startedAt, elapsed(start), null, "Refused by the SSRF guard: the URL " + ex.getMessage(),
					null, null);
		}
		String body = payload.body(delivery);
		long timestamp = startedAt.getEpochSecond();
		HttpRequest request = HttpRequest.newBuilder(target)
			.timeout(timeout)
			.header("Content-Type", "application/json")
			.header("User-Agent", userAgent)
			.header("webhook-id", delivery.webhookId())
			.header("webhook-timestamp", Long.toString(timestamp))
			.header("webhook-signature",
					WebhookSignature.header(delivery.webhookId(), timestamp, body, delivery.signingSecrets(startedAt)))
			.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
			.build();
		FirstBytes firstBytes = new FirstBytes();
		CompletableFuture<HttpResponse<String>> response = http.sendAsync(request, info -> {
			firstBytes.info = info;
			return firstBytes;
		});
		try {
			// One deadline for the whole exchange: a receiver trickling its body must not hold a sender.
			HttpResponse<String> answer = response.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			return answered(answer.statusCode(), answer.headers(), answer.body(), startedAt, start);
		}
		catch (TimeoutException ex) {
			firstBytes.cancel();
			response.cancel(true);
			HttpResponse.ResponseInfo info = firstBytes.info;
			if (info != null) {
				// The status arrived in time; only the body was slow. The status decides.
				return answered(info.statusCode(), info.headers(), firstBytes.keptSoFar(), startedAt, start);
			}
			return new Attempt(startedAt, elapsed(start), null, "Timed out after " + timeout.toMillis() + " ms", null,
					null);
		}
		catch (ExecutionException ex) {
			return new Attempt(startedAt, elapsed(start), null, describe(ex.getCause()), null, null);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			response.cancel(true);
			return new Attempt(startedAt, elapsed(start), null, "Interrupted (shutting down)", null, null);
		}
	}

	private static Attempt answered(int status, HttpHeaders headers, String body, Instant startedAt, long start) {
		Duration retryAfter = status == 429 || status == 503
				? RetrySchedule.parseRetryAfter(headers.firstValue("Retry-After").orElse(null), startedAt)
				: null;
		String error = status >= 200 && status < 300 ? null : "HTTP " + status;
		return new Attempt(startedAt, elapsed(start), status, error, body, retryAfter);
	}

	private static String describe(Throwable cause) {
		if (cause instanceof HttpConnectTimeoutException) {
			return "Connect timed out";
		}
		if (cause instanceof HttpTimeoutException) {
			return "Timed out waiting for the response";
		}
		if (cause instanceof java.net.ConnectException) {
			return "Connection refused" + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
		}
		String message = cause.getMessage();
		return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
	}

	private static Duration elapsed(long start) {
		return Duration.ofNanos(System.nanoTime() - start);
	}

	/**
	 * Keeps the first {@link #BODY_LIMIT} bytes of the body and then cancels the rest: a
	 * receiver's answer is only read for the deliveries log, and must not fill our memory.
	 */
	private static final class FirstBytes implements HttpResponse.BodySubscriber<String> {

		private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

		private final CompletableFuture<String> result = new CompletableFuture<>();

		private volatile Flow.Subscription subscription;

		volatile HttpResponse.ResponseInfo info;

		@Override
		public CompletionStage<String> getBody() {
			return result;
		}

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			this.subscription = subscription;
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public synchronized void onNext(List<ByteBuffer> buffers) {
			for (ByteBuffer buffer : buffers) {
				int room = BODY_LIMIT - kept.size();
				int take = Math.min(room, buffer.remaining());
				byte[] bytes = new byte[take];
				buffer.get(bytes);
				kept.write(bytes, 0, take);
			}
			if (kept.size() >= BODY_LIMIT) {
				cancel();
				complete();
			}
		}

		@Override
		public void onError(Throwable error) {
			// The status line already arrived; a broken body does not change the outcome.
			complete();
		}

		@Override
		public void onComplete() {
			complete();
		}

		void cancel() {
			Flow.Subscription s = subscription;
			if (s != null) {
				s.cancel();
			}
		}

		private void complete() {
			result.complete(keptSoFar());
		}

		synchronized String keptSoFar() {
			// PostgreSQL text cannot hold NUL; a cut multi-byte character decodes as U+FFFD.
			return kept.toString(StandardCharsets.UTF_8).replace('\0', '\uFFFD');
		}

	}

}
