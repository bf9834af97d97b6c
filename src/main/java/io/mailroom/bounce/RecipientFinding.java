package io.mailroom.bounce;

/**
 * What a {@link BounceFormat} read about one recipient, before classification. Formats fill in
 * what their layout offers and leave the rest empty; {@link BounceClassifier} does the rest.
 */
final class RecipientFinding {

	String recipient = "";

	String action = "";

	String status = "";

	String replyCode = "";

	String diagnostic = "";

	/** The first part of a DSN Diagnostic-Code ("SMTP", "X-Postfix", "X-Unix"). */
	String diagnosticType = "";

	String remoteMta = "";

	/** The SMTP command the remote server rejected (CONN, EHLO, MAIL, RCPT, DATA…), or "". */
	String command = "";

	/** A reason the format itself recognised from its own wording, or null. */
	Reason reason;

	RecipientFinding(String recipient) {
		this.recipient = recipient;
	}

	@Override
	public String toString() {
		return this.recipient + " action=" + this.action + " status=" + this.status + " reply=" + this.replyCode
				+ " command=" + this.command + " reason=" + this.reason + " diag=" + this.diagnostic;
	}

}
