package io.mailroom.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Reading the human-readable part of a bounce: paragraphs, the returned copy, addresses. */
final class ProseScan {

	/** Lines after which a text bounce quotes the message that failed. */
	private static final List<String> RETURNED_MARKERS = List.of("this is a copy of the message",
			"below this line is a copy of the message", "original message follows", "----- original message -----",
			"----- unsent message below -----", "--- original message ---",
			"original message headers:", "headers of the original message", "unsent message follows",
			"----- message text follows -----", "------ original message headers ------",
			"the text you sent follows:", "--- below this line is a copy of the message.",
			"--- the header of the original message is following. ---", "------ this is a copy of your message",
			"--- original message follows", "----- original message below", "content-type: message/rfc822",
			"original message header:", "original mail as follows:");

	private static final Pattern HEADER_LINE = Pattern
		.compile("(?i)^(received|return-path|message-id|date|subject|from|to|x-[\\w-]+|mime-version|content-type|dkim-signature):\\s?\\S");

	private ProseScan() {
	}

	/** The prose before the returned message copy. */
	static String beforeReturnedMessage(String text) {
		String lower = text.toLowerCase(Locale.ROOT);
		int cut = text.length();
		for (String marker : RETURNED_MARKERS) {
			int at = lower.indexOf(marker);
			if (at >= 0 && at < cut) {
				cut = at;
			}
		}
		String[] lines = text.substring(0, cut).split("\n", -1);
		int offset = 0;
		for (int i = 0; i < lines.length; i++) {
			if (HEADER_LINE.matcher(lines[i]).find() && i + 2 < lines.length
					&& (HEADER_LINE.matcher(lines[i + 1]).find() || lines[i + 1].startsWith(" ") || lines[i + 1].startsWith("\t"))
					&& (HEADER_LINE.matcher(lines[i + 2]).find() || lines[i + 2].startsWith(" ") || lines[i + 2].startsWith("\t"))) {
				return text.substring(0, offset);
			}
			offset += lines[i].length() + 1;
		}
		return text.substring(0, cut);
	}

	private static final Pattern SUMMARY_LINE = Pattern.compile("(?i)^\\s*(to|from|cc|subject|sent|date|reply-to):");

	/**
	 * Where the paragraph names the address as a recipient, not in a summary of the original
	 * message ("To: user@example.org" above "did not reach the following recipient(s)").
	 */
	private static int mention(String paragraph, String lowerAddress) {
		String lower = paragraph.toLowerCase(Locale.ROOT);
		int at = lower.indexOf(lowerAddress);
		while (at >= 0) {
			int lineStart = lower.lastIndexOf('\n', at) + 1;
			if (!SUMMARY_LINE.matcher(paragraph.substring(lineStart, at)).find()) {
				return at;
			}
			at = lower.indexOf(lowerAddress, at + 1);
		}
		return -1;
	}

	/** Cuts the text where a line starts with another address: that is the next recipient's entry. */
	private static String untilNextRecipient(String text, String lowerAddress) {
		java.util.regex.Matcher m = NEXT_RECIPIENT.matcher(text);
		while (m.find()) {
			if (!m.group(1).toLowerCase(Locale.ROOT).equals(lowerAddress)) {
				return text.substring(0, m.start());
			}
		}
		return text;
	}

	private static final Pattern NEXT_RECIPIENT = Pattern.compile("\\n[ \\t]*<?([^\\s<>@]+@[^\\s<>]+?)>?:?(?:\\s|$)");

	/** Paragraphs (blank-line separated blocks) of the text. */
	static List<String> paragraphs(String text) {
		List<String> out = new ArrayList<>();
		for (String p : text.split("\n\\s*\n")) {
			if (!p.isBlank()) {
				out.add(p);
			}
		}
		return out;
	}

	/**
	 * The explanation printed next to an address: the rest of its paragraph, or the next one when
	 * the address stands alone on its line (Exim, qmail and Postfix all do one or the other).
	 */
	static String paragraphAbout(String text, String address) {
		if (text == null || address == null || address.isEmpty()) {
			return "";
		}
		String prose = beforeReturnedMessage(text);
		List<String> paras = paragraphs(prose);
		String lowerAddress = address.toLowerCase(Locale.ROOT);
		for (int i = 0; i < paras.size(); i++) {
			String p = paras.get(i);
			int at = mention(p, lowerAddress);
			if (at < 0) {
				continue;
			}
			String rest = untilNextRecipient(p.substring(at + address.length()), lowerAddress)
				.replaceFirst("^[>:\\s]+", "");
			// the explanation may follow in the next paragraphs ("For the following reason:", then the reason)
			for (int next = i + 1; next < paras.size() && next <= i + 2; next++) {
				String sofar = rest.replaceAll("[\\s.]", "");
				if (sofar.length() >= 8 && !rest.trim().endsWith(":")) {
					break;
				}
				rest = rest + " " + paras.get(next);
			}
			return SmtpText.sweep(rest);
		}
		return "";
	}

}
