package io.mailroom.local;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/** What the local capture server received: a list (JSON or a small HTML page) and each message raw. */
@RestController
@RequestMapping("/local/outbox")
@ConditionalOnClass(name = "com.icegreen.greenmail.util.GreenMail")
@Conditional(RelayHostMissingCondition.class)
@ConditionalOnProperty(name = "mailroom.local.capture-server", havingValue = "true", matchIfMissing = true)
class LocalOutboxController {

	private final LocalCaptureServer server;

	LocalOutboxController(LocalCaptureServer server) {
		this.server = server;
	}

	record CapturedMessage(int index, String messageId, String from, List<String> to, String subject, String date,
			String raw) {
	}

	@GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
	List<CapturedMessage> list() throws MessagingException {
		List<MimeMessage> messages = server.messages();
		List<CapturedMessage> result = new ArrayList<>();
		for (int i = messages.size() - 1; i >= 0; i--) {
			MimeMessage m = messages.get(i);
			result.add(new CapturedMessage(i, m.getMessageID(), addresses(m.getFrom()).stream().findFirst().orElse(null),
					addresses(m.getAllRecipients()), m.getSubject(), m.getHeader("Date", null),
					"/local/outbox/" + i + "/raw"));
		}
		return result;
	}

	@GetMapping(produces = MediaType.TEXT_HTML_VALUE)
	String page() throws MessagingException {
		String rows = list().stream()
			.map(m -> "<tr><td>" + m.index() + "</td><td>" + esc(m.date()) + "</td><td>" + esc(m.from()) + "</td><td>"
					+ esc(String.join(", ", m.to())) + "</td><td><a href=\"" + m.raw() + "\">" + esc(m.subject())
					+ "</a></td></tr>")
			.collect(Collectors.joining("\n"));
		return """
				<!doctype html><html><head><meta charset="utf-8"><title>mailroom local outbox</title>
				<style>body{font-family:sans-serif;margin:2em}td,th{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left}</style>
				</head><body><h1>Local outbox</h1><p>Messages received by the local SMTP capture server, newest first.</p>
				<table><tr><th>#</th><th>Date</th><th>From</th><th>To</th><th>Subject</th></tr>
				%s
				</table></body></html>""".formatted(rows);
	}

	@GetMapping("/{index}/raw")
	ResponseEntity<byte[]> raw(@PathVariable int index) throws IOException, MessagingException {
		List<MimeMessage> messages = server.messages();
		if (index < 0 || index >= messages.size()) {
			return ResponseEntity.notFound().build();
		}
		return ResponseEntity.ok()
			.contentType(new MediaType("text", "plain", Map.of("charset", "utf-8")))
			.body(server.raw(messages.get(index)));
	}

	private static List<String> addresses(Address[] addresses) {
		return addresses == null ? List.of() : Arrays.stream(addresses).map(Address::toString).toList();
	}

	private static String esc(String s) {
		return s == null ? "" : HtmlUtils.htmlEscape(s);
	}

}
