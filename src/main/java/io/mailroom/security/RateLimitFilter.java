package io.mailroom.security;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.mailroom.web.ProblemType;
import io.mailroom.web.ProblemWriter;
import io.mailroom.web.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Limits each API key to {@link RateLimitProperties}: a runaway client loop gets {@code 429} with
 * {@code Retry-After} instead of filling the queue and starving the other keys. Runs after
 * {@link ApiKeyFilter}, so it only sees authenticated requests and counts them per key; open paths
 * (health, docs, unsubscribe links) carry no caller and are not limited here. The buckets live in
 * this instance's memory: with N instances behind a load balancer a key gets up to N times the rate,
 * which is the intent (the limit protects each instance).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 30)
class RateLimitFilter extends OncePerRequestFilter {

	private final RateLimitProperties properties;

	private final ProblemWriter problems;

	// One bucket per key: bounded by the number of API keys, not by callers' input.
	private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

	RateLimitFilter(RateLimitProperties properties, ProblemWriter problems) {
		this.properties = properties;
		this.problems = problems;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Caller caller = Caller.of(request);
		if (!properties.enabled() || caller == null) {
			chain.doFilter(request, response);
			return;
		}
		ConsumptionProbe probe = buckets.computeIfAbsent(caller.scope(), scope -> newBucket())
			.tryConsumeAndReturnRemaining(1);
		if (probe.isConsumed()) {
			chain.doFilter(request, response);
			return;
		}
		long retryAfter = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L));
		response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
		problems.write(response, Problems.of(ProblemType.RATE_LIMITED, "This API key may send "
				+ properties.requestsPerSecond() + " requests per second (bursts of " + properties.burst()
				+ "); retry after " + retryAfter + " s"));
	}

	private Bucket newBucket() {
		return Bucket.builder()
			.addLimit(Bandwidth.builder()
				.capacity(properties.burst())
				.refillGreedy(properties.requestsPerSecond(), Duration.ofSeconds(1))
				.build())
			.build();
	}

}
