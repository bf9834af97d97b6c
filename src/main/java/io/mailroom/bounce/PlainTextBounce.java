package io.mailroom.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The fallback for bounces in no known layout: every address in the prose before the returned
 * message (other than the bounce's own sender and receiver and mail-system addresses) is a failed
 * recipient, and the text beside it is its diagnostic.
 */
final class PlainTextBounce implements BounceFormat {

	/** Addresses in these places are aliases, senders or envelope details, not failed recipients. */
	private static final Pattern NOT_RECIPIENTS = Pattern.compile(
			"(?im)(?:(?:expanded|generated) from|may not follow|forwarded from|sender:?|mail from:?)\\s*[<(]?\\S+@\\S+|^\\s*(?:from|cc|reply-to|sender|return-path):.*$");

	@Override
	public List<RecipientFinding> read(MailMessage message) {
		String prose = ProseScan.beforeReturnedMessage(message.readableText());
		List<RecipientFinding> found = new ArrayList<>();
		List<String> own = new ArrayList<>();
		own.addAll(Addresses.all(message.headers().first("from")));
		own.addAll(Addresses.all(message.headers().first("to")));
		own.addAll(Addresses.all(message.headers().first("reply-to")));
		own.addAll(Addresses.all(message.headers().first("return-path")));
		own.addAll(Addresses.all(originalSender(message)));
		List<String> candidates = new ArrayList<>();
		for (String failed : message.headers().all("x-failed-recipients")) {
			candidates.addAll(Addresses.all(failed));
		}
		if (candidates.isEmpty()) {
			candidates.addAll(Addresses.all(NOT_RECIPIENTS.matcher(prose).replaceAll(" ")));
		}
		List<String> others = candidates.stream()
			.filter(a -> !Addresses.isSystem(a) && own.stream().noneMatch(o -> Addresses.same(o, a)))
			.toList();
		if (others.isEmpty()) {
			// anonymised corpora and self-sent tests bounce back to the sender's own address
			others = candidates.stream().filter(a -> !Addresses.isSystem(a)).limit(1).toList();
		}
		for (String a : others) {
			if (found.stream().anyMatch(f -> Addresses.same(f.recipient, a))) {
				continue;
			}
			RecipientFinding f = new RecipientFinding(a);
			f.diagnostic = ProseScan.paragraphAbout(prose, a);
			f.command = SmtpCommands.find(f.diagnostic);
			found.add(f);
		}
		if (found.size() == 1 && found.get(0).diagnostic.isBlank()) {
			found.get(0).diagnostic = SmtpText.sweep(prose);
		}
		for (RecipientFinding f : found) {
			f.reason = TextReasons.of(f.diagnostic, f.command, message);
		}
		return found;
	}

	private static String originalSender(MailMessage message) {
		String returned = message.returnedMessage();
		if (returned.isEmpty()) {
			return "";
		}
		return MailMessage.parseHeaders(returned.split("\n\n", 2)[0]).first("from");
	}

}
