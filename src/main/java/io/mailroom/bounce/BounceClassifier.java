package io.mailroom.bounce;

import java.util.Locale;

import io.mailroom.bounce.BouncedRecipient.Category;
import io.mailroom.bounce.BouncedRecipient.Kind;

/**
 * Turns what a server said (reply code, enhanced status code, text) into a kind, a category and
 * the most specific status code that can be justified. Used for asynchronous bounces and for
 * 4xx/5xx replies received while delivering.
 *
 * <p>
 * The rules follow sisimai: a specific code in the text beats a generic one in a DSN field, the
 * wording decides between reasons the code leaves open (5.1.1 is "user unknown" unless the text
 * speaks of relaying or blocklists), and when nothing carries a code, one is inferred from the
 * reason (e.g. "mailbox full" without a code gives 5.0.922 or 4.0.922 per the reply class).
 */
public final class BounceClassifier {

	/**
	 * The verdict for one failed recipient.
	 *
	 * @param status the enhanced status code, refined or inferred
	 * @param replyCode the reply code, "" when unknown
	 */
	public record Classification(Kind kind, Category category, String status, String replyCode) {

		public boolean permanent() {
			return this.status.startsWith("5");
		}

	}

	/** Classifies a reply received while delivering ({@code enhancedCode} may be null or ""). */
	public Classification classify(int replyCode, String enhancedCode, String text) {
		return classify(replyCode, enhancedCode, text, null);
	}

	/**
	 * Classifies a reply received while delivering, knowing the command it answered
	 * ({@code "RCPT"}, {@code "DATA"}…): without an enhanced code, "550 user unknown" at RCPT is an
	 * unknown address (hard), after DATA a content filter's verdict (soft).
	 */
	public Classification classify(int replyCode, String enhancedCode, String text, String command) {
		String reply = replyCode > 0 ? Integer.toString(replyCode) : "";
		RecipientFinding finding = new RecipientFinding("");
		finding.command = command == null ? "" : SmtpCommands.normalise(command);
		finding.replyCode = reply;
		finding.status = enhancedCode == null ? "" : enhancedCode;
		String body = text == null ? "" : text;
		StringBuilder diagnostic = new StringBuilder(reply);
		if (!finding.status.isEmpty()) {
			diagnostic.append(' ').append(finding.status);
		}
		finding.diagnostic = diagnostic.append(' ').append(body).toString().trim();
		Verdict v = decide(finding);
		return new Classification(v.kind(), v.category(), v.status(), v.replyCode());
	}

	BouncedRecipient classify(RecipientFinding finding) {
		Verdict v = decide(finding);
		return new BouncedRecipient(finding.recipient, v.action(), v.status(), v.replyCode(), v.diagnostic(),
				finding.remoteMta == null ? "" : finding.remoteMta, v.kind(), v.category());
	}

	private record Verdict(String action, String status, String replyCode, String diagnostic, Reason reason,
			Kind kind, Category category) {
	}

	private Verdict decide(RecipientFinding f) {
		String diagnostic = SmtpText.sweep(f.diagnostic);
		String status = EnhancedStatus.isValid(f.status) ? f.status : "";
		String reply = f.replyCode == null ? "" : f.replyCode;
		if (!diagnostic.isEmpty()) {
			String inText = EnhancedStatus.find(diagnostic, "");
			String replyInText = EnhancedStatus.findReplyCode(diagnostic, inText);
			status = EnhancedStatus.prefer(status, inText, replyInText);
			if (reply.isEmpty()) {
				reply = replyInText;
			}
			if (!replyInText.isEmpty() && diagnostic.contains(replyInText + "-")) {
				diagnostic = joinContinuationLines(diagnostic, replyInText, inText);
			}
		}
		String type = f.diagnosticType == null ? "" : f.diagnosticType.toUpperCase(Locale.ROOT);
		if (type.isEmpty() && f.reason != Reason.MAILERERROR) {
			type = "SMTP";
		}
		else if (type.isEmpty()) {
			type = "X-UNIX";
		}
		String command = f.command == null ? "" : f.command.toUpperCase(Locale.ROOT);
		String action = f.action == null ? "" : f.action.toLowerCase(Locale.ROOT).trim();
		Reason reason = f.reason;
		if (reason == null || reason.shouldBeRetried()) {
			Reason byProvider = RemoteHostRules.find(new RemoteHostRules.Evidence(f.recipient,
					f.remoteMta == null ? "" : f.remoteMta, status, reply, diagnostic.toLowerCase(Locale.ROOT), command));
			reason = byProvider != null ? byProvider
					: ReasonRules.find(new ReasonRules.Evidence(status, reply, diagnostic, type, command, action, reason));
		}
		boolean hard = reason.isHard((status + " " + diagnostic).trim());
		if (status.isEmpty()) {
			String said = (reply + " " + diagnostic).trim();
			boolean temporary = SmtpText.isTemporary(said);
			if (reason == Reason.DELIVERED) {
				status = "2.0.0";
			}
			else {
				status = reason.pseudoStatus(temporary);
			}
		}
		if (!reply.isEmpty() && !status.isEmpty() && reply.charAt(0) != status.charAt(0)) {
			String again = EnhancedStatus.findReplyCode(diagnostic, status.substring(0, 1));
			reply = again.startsWith(status.substring(0, 1)) ? again : "";
		}
		action = normaliseAction(action, status);
		Kind kind = hard ? Kind.HARD : Kind.SOFT;
		return new Verdict(action, status, reply, diagnostic, reason, kind, reason.category(hard));
	}

	/**
	 * Multi-line replies repeat the code on every line ("550-5.7.1 ... 550 5.7.1 ..."); keep one
	 * code at the front and the text once.
	 */
	private static String joinContinuationLines(String diagnostic, String reply, String status) {
		String text = diagnostic;
		for (String sep : new String[] { "-", " " }) {
			if (!status.isEmpty()) {
				text = text.replace(reply + sep + status, "");
			}
			text = text.replace(reply + sep, "");
		}
		text = SmtpText.sweep(text);
		return SmtpText.sweep(reply + " " + status + " " + text);
	}

	private static String normaliseAction(String action, String status) {
		String a = action;
		if (a.startsWith("fail") || a.equals("bounced") || a.equals("undeliverable")) {
			a = "failed";
		}
		else if (a.startsWith("delay") || a.equals("deferred") || a.equals("expired")) {
			a = "delayed";
		}
		else if (a.startsWith("deliver")) {
			a = "delivered";
		}
		else if (!a.equals("relayed") && !a.equals("expanded")) {
			a = "";
		}
		if (a.isEmpty()) {
			a = status.startsWith("4") ? "delayed" : status.startsWith("2") ? "delivered" : "failed";
		}
		return a;
	}

}
