package io.mailroom.security;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

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

/** Requires {@code Authorization: Bearer <key>} on the API; health, docs and public links are open. */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class ApiKeyFilter extends OncePerRequestFilter {

	private static final List<String> OPEN_PREFIXES = List.of("/actuator", "/v3/api-docs", "/swagger-ui",
			"/unsubscribe/", "/local/", "/error");

	private final ApiKeys apiKeys;

	private final ProblemWriter problems;

	ApiKeyFilter(ApiKeys apiKeys, ProblemWriter problems) {
		this.apiKeys = apiKeys;
		this.problems = problems;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		String path = request.getRequestURI().substring(request.getContextPath().length());
		return path.equals("/local") || path.equals("/swagger-ui.html")
				|| OPEN_PREFIXES.stream().anyMatch(path::startsWith);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Optional<Caller> caller = apiKeys.authenticate(bearer(request));
		if (caller.isEmpty()) {
			response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
			problems.write(response, Problems.of(ProblemType.UNAUTHORIZED,
					"Send a valid API key as 'Authorization: Bearer <key>'"));
			return;
		}
		request.setAttribute(Caller.ATTRIBUTE, caller.get());
		chain.doFilter(request, response);
	}

	private static String bearer(HttpServletRequest request) {
		String header = request.getHeader(HttpHeaders.AUTHORIZATION);
		if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return null;
		}
		return header.substring(7).trim();
	}

}
