package io.mailroom.bounce;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * qmail's "failure notice" and its clones (vpopmail, qmail-ldap, Yahoo's old MTA). Its messages
 * come from qmail-remote.c, qmail-local.c and the LDAP patch; "does not like recipient" means the
 * remote server refused RCPT.
 */
final class QmailBounce extends TextBounce {

	/** The SMTP stage each qmail-remote message refers to. */
	private static final List<Map.Entry<String, List<String>>> COMMANDS = List.of(
			Map.entry("CONN", List.of(" but greeting failed.")),
			Map.entry("EHLO", List.of(" but my name was rejected.")),
			Map.entry("MAIL", List.of(" but sender was rejected.")),
			Map.entry("RCPT", List.of(" does not like recipient.")),
			Map.entry("DATA", List.of(" failed on data command", " failed after i sent the message")));

	private static final List<Map.Entry<Reason, List<String>>> MESSAGES = List.of(
			Map.entry(Reason.HOSTUNKNOWN, List.of("sorry, i couldn't find any host ")),
			Map.entry(Reason.MAILBOXFULL, List.of("disk quota exceeded")),
			Map.entry(Reason.MESGTOOBIG, List.of("message size exceeds fixed maximum message size:",
					"that message size exceeds my databytes limit")),
			Map.entry(Reason.NETWORKERROR, List.of("sorry, i wasn't able to establish an smtp connection",
					"sorry. although i'm listed as a best-preference mx or a for that host")),
			Map.entry(Reason.NOTACCEPT, List.of("sorry, i couldn't find a mail exchanger or ip address")),
			Map.entry(Reason.SYSTEMFULL, List.of("requested action not taken: mailbox unavailable (not enough free space)")),
			Map.entry(Reason.USERUNKNOWN, List.of("no mailbox here by that name")),
			// qmail-ldap
			Map.entry(Reason.EXCEEDLIMIT, List.of("the message exeeded the maximum size the user accepts")),
			Map.entry(Reason.SUSPEND, List.of("mailaddress is administrativly disabled",
					"mailaddress is administrativley disabled", "mailaddress is administratively disabled",
					"mailaddress is administrativeley disabled")),
			Map.entry(Reason.SYSTEMERROR, List.of("automatic homedir creator crashed", "illegal value in ldap attribute",
					"ldap attribute is not given but mandatory", "timeout while performing search on ldap server",
					"too many results returned but needs to be unique", "permanent error while executing qmail-forward",
					"temporary error in automatic homedir creation", "temporary error while executing qmail-forward",
					"temporary failure in ldap lookup", "unable to contact ldap server",
					"unable to login into ldap server, bad credentials", "bad interpreter: no such file or directory",
					"system error", "unable to")));

	@Override
	boolean recognises(MailMessage message) {
		String subject = message.subject().trim();
		if (subject.equals("failure notice") || subject.equals("Failure Notice")) {
			return true;
		}
		for (String received : message.headers().all("received")) {
			if (SmtpText.aligned(received, "(qmail ", "invoked for bounce)")
					|| SmtpText.aligned(received, "(qmail ", "invoked from ", "network)")) {
				return true;
			}
		}
		return false;
	}

	@Override
	void refine(RecipientFinding f, MailMessage message) {
		String lower = f.diagnostic.toLowerCase(Locale.ROOT);
		for (Map.Entry<String, List<String>> c : COMMANDS) {
			if (SmtpText.containsAny(lower, c.getValue())) {
				f.command = c.getKey();
				break;
			}
		}
		if (f.command.equals("EHLO") || f.command.equals("HELO")) {
			f.reason = Reason.BLOCKED;
			return;
		}
		if (SmtpText.aligned(lower, " does not like recipient.", "this message has been in the queue too long.")) {
			f.reason = Reason.ONHOLD;
			return;
		}
		for (Map.Entry<Reason, List<String>> e : MESSAGES) {
			if (SmtpText.containsAny(lower, e.getValue())) {
				f.reason = e.getKey();
				return;
			}
		}
		if (lower.contains("this message has been in the queue too long.")) {
			f.reason = Reason.EXPIRED;
			return;
		}
		super.refine(f, message);
	}

}
