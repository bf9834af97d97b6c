package io.mailroom.unsubscribe;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

import io.mailroom.delivery.Suppressions;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * One-click unsubscribe (RFC 8058): mail clients POST to the link; a person opening it gets a
 * confirmation page whose button POSTs. Links are signed, so no API key is needed here.
 */
@RestController
@RequestMapping("/unsubscribe")
@Tag(name = "Unsubscribe")
class UnsubscribeController {

	private final UnsubscribeTokens tokens;

	private final JdbcClient jdbc;

	private final Clock clock;

	UnsubscribeController(UnsubscribeTokens tokens, JdbcClient jdbc, Clock clock) {
		this.tokens = tokens;
		this.jdbc = jdbc;
		this.clock = clock;
	}

	@PostMapping("/{token}")
	@Operation(summary = "One-click unsubscribe: adds the recipient's address to the suppression list")
	ResponseEntity<String> unsubscribe(@PathVariable String token) {
		Optional<Recipient> recipient = recipient(token);
		if (recipient.isEmpty()) {
			return page(HttpStatus.NOT_FOUND, "This unsubscribe link is not valid.");
		}
		Recipient r = recipient.get();
		jdbc.sql("""
				insert into suppression (email, reason, source_message_id, detail, created_at)
				values (?, 'unsubscribe', ?, 'one-click unsubscribe', ?)
				on conflict (email) do nothing""")
			.params(Suppressions.normalize(r.email()), r.messageId(), Timestamp.from(clock.instant()))
			.update();
		return page(HttpStatus.OK, "You are unsubscribed: " + HtmlUtils.htmlEscape(r.email())
				+ " will not receive these messages any more.");
	}

	@GetMapping(value = "/{token}", produces = MediaType.TEXT_HTML_VALUE)
	@Operation(summary = "Confirmation page with a button that unsubscribes")
	ResponseEntity<String> confirm(@PathVariable String token) {
		Optional<Recipient> recipient = recipient(token);
		if (recipient.isEmpty()) {
			return page(HttpStatus.NOT_FOUND, "This unsubscribe link is not valid.");
		}
		return page(HttpStatus.OK, "Unsubscribe " + HtmlUtils.htmlEscape(recipient.get().email())
				+ "?</p><form method=\"post\"><button type=\"submit\">Unsubscribe</button></form><p>");
	}

	private record Recipient(String email, UUID messageId) {
	}

	private Optional<Recipient> recipient(String token) {
		return tokens.verify(token)
			.flatMap(id -> jdbc.sql("select email, message_id from recipient where id = ?")
				.param(id)
				.query((rs, n) -> new Recipient(rs.getString(1), rs.getObject(2, UUID.class)))
				.optional());
	}

	private static ResponseEntity<String> page(HttpStatus status, String body) {
		return ResponseEntity.status(status)
			.contentType(MediaType.TEXT_HTML)
			.body("<!doctype html><html><head><meta charset=\"utf-8\"><title>Unsubscribe</title></head>"
					+ "<body style=\"font-family:sans-serif;margin:3em\"><p>" + body + "</p></body></html>");
	}

}
