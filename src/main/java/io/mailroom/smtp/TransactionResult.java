package io.mailroom.smtp;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of one mail transaction (MAIL, RCPT..., DATA). {@code data} is {@code null} when no
 * recipient was accepted or MAIL was refused (then DATA was not sent, or was sent and aborted as
 * RFC 2920 §3.1 allows for pipelining).
 *
 * @param mail the reply to MAIL FROM
 * @param recipients one result per envelope recipient, in the order given
 * @param data the final reply after the end-of-data dot, or the DATA (354) refusal, or null
 * @param transcript the commands and replies of this transaction (no message body)
 * @param duration wall time of the transaction
 */
public record TransactionResult(SmtpReply mail, List<RecipientResult> recipients, SmtpReply data, String transcript,
		Duration duration) {

	public record RecipientResult(String address, SmtpReply reply) {
	}

	/** The reply that decides this recipient's outcome: its own refusal, MAIL's, or the data reply. */
	public SmtpReply outcomeFor(String address) {
		if (!mail.isPositive()) {
			return mail;
		}
		for (RecipientResult r : recipients) {
			if (r.address().equals(address)) {
				return r.reply().isPositive() && data != null ? data : r.reply();
			}
		}
		throw new IllegalArgumentException("not a recipient of this transaction: " + address);
	}

}
