package io.mailroom.bounce;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Out-of-office and other automatic replies (RFC 3834 {@code Auto-Submitted: auto-replied} and the
 * older de-facto headers and subjects). They are not bounces: the address works.
 */
final class AutoReply {

	private static final Pattern SUBJECT = Pattern.compile(
			"(?i)^(auto(matic)?[ -]?(reply|response|antwort)|out of (the )?office|abwesenheitsnotiz|absence|vacation|r[ée]ponse automatique|risposta automatica|respuesta autom[áa]tica|i am out of|on vacation|away from)");

	private static final Pattern BOUNCE_SUBJECT = Pattern.compile(
			"undeliver|delivery|returned|failure|failed|bounce|not delivered|non remis|unzustellbar|nicht zustellbar|error");

	private AutoReply() {
	}

	static boolean isAutoReply(MailMessage message) {
		if (looksLikeBounce(message)) {
			return false;
		}
		MailMessage.Headers h = message.headers();
		String auto = h.first("auto-submitted").toLowerCase(Locale.ROOT);
		if (auto.startsWith("auto-replied")) {
			return true;
		}
		if (h.has("x-autoreply") || h.has("x-autorespond") || h.has("x-autoresponder")
				|| h.first("x-auto-response-suppress").isEmpty() && h.has("x-ms-exchange-inbox-rules-loop")
						&& SUBJECT.matcher(message.subject()).find()) {
			return true;
		}
		String precedence = h.first("precedence").toLowerCase(Locale.ROOT);
		String subject = message.subject().trim();
		return SUBJECT.matcher(subject).find()
				&& (precedence.equals("auto_reply") || precedence.equals("bulk") || precedence.equals("junk")
						|| !subject.toLowerCase(Locale.ROOT).contains("undeliver")) && !looksLikeBounce(message);
	}

	private static boolean looksLikeBounce(MailMessage message) {
		String ct = message.headers().first("content-type").toLowerCase(Locale.ROOT);
		String from = message.from().toLowerCase(Locale.ROOT);
		String subject = message.subject().toLowerCase(Locale.ROOT);
		return ct.contains("report") || List.of("mailer-daemon", "postmaster", "mail delivery").stream().anyMatch(from::contains)
				|| BOUNCE_SUBJECT.matcher(subject).find();
	}

}
