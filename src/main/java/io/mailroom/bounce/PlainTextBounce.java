package io.mailroom.bounce;

/**
 * The fallback for bounces in no known layout: every address in the prose before the returned
 * message (other than the bounce's own correspondents and mail-system addresses) is a failed
 * recipient, and the text beside it is its diagnostic.
 */
final class PlainTextBounce extends TextBounce {

	@Override
	boolean recognises(MailMessage message) {
		return true;
	}

}
