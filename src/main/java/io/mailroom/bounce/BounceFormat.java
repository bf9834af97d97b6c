package io.mailroom.bounce;

import java.util.List;

/**
 * One family of bounce layouts (RFC 3464 reports, Exim's, qmail's…). The reader asks each family
 * in turn; the first that recognises the message reads its recipients.
 */
interface BounceFormat {

	/**
	 * The recipients this message reports, or an empty list when the message is not of this
	 * family (or is, but names no recipient).
	 */
	List<RecipientFinding> read(MailMessage message);

}
