package io.mailroom.bounce;

import static io.mailroom.bounce.SmtpText.alignedAny;
import static io.mailroom.bounce.SmtpText.containsAny;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Decides a {@link Reason} from what a bounce says: its enhanced status code, reply code, the
 * SMTP command that failed and the wording of the diagnostic. The phrase lists and the order in
 * which reasons are tried mirror sisimai's {@code reason} package; the order matters because many
 * messages match several lists ("user unknown" after DATA is a content filter, not a bad
 * address).
 */
final class ReasonRules {

	/** What the classifier knows about one failed recipient. */
	record Evidence(String status, String replyCode, String diagnostic, String diagnosticType, String command,
			String action, Reason hint) {

		String lowerDiagnostic() {
			return diagnostic == null ? "" : diagnostic.toLowerCase(Locale.ROOT);
		}

	}

	/** SMTP commands that come before DATA: a rejection there is not about the content. */
	private static final Set<String> BEFORE_DATA = Set.of("CONN", "EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT");

	private static final Map<Reason, Predicate<String>> PHRASES = new EnumMap<>(Reason.class);

	static {
		phrases(Reason.USERUNKNOWN, List.of("#5.1.1 bad address", "550 address invalid", "5.1.0 address rejected.",
				"address does not exist", "address not present in directory", "address unknown",
				"can't accept user", "does not exist.", "destination addresses were unknown",
				"destination server rejected recipients", "email address does not exist",
				"email address could not be found", "invalid address", "invalid mailbox", "invalid mailbox path",
				"invalid recipient", "is not a known user", "is not a valid mailbox",
				"is not an active address at this host", "mailbox does not exist", "mailbox invalid",
				"mailbox is inactive", "mailbox is unavailable", "mailbox not present", "mailbox not found",
				"mailbox unavaiable", "nessun utente simile in questo indirizzo", "no account by that name here",
				"no existe dicha persona", "no existe ese usuario ", "no mail box available for this user",
				"no mailbox by that name is currently available", "no mailbox found", "no such address here",
				"no such mailbox", "no such person at this address", "no such recipient", "no such user",
				"no thank you rejected: account unavailable", "no valid recipients, bye", "not a valid recipient",
				"not a valid user here", "not a local address", "not email addresses",
				"recipient address rejected. (in reply to rcpt to command)",
				"recipient address rejected: access denied", "recipient address rejected: invalid user",
				"recipient address rejected: invalid-recipient", "recipient address rejected: unknown user",
				"recipient address rejected: userunknown", "recipient does not exist", "recipient is not accepted",
				"recipient is not local", "recipient not exist", "recipient not found", "recipient not ok",
				"recipient refuses to accept your mail", "recipient unknown",
				"requested action not taken: mailbox unavailable", "resolver.adr.recipient notfound",
				"resolver.adr.recipientnotfound", "sorry, user unknown", "sorry, badrcptto",
				"sorry, no mailbox here by that name", "sorry, your envelope recipient has been denied",
				"that domain or user isn't in my list of allowed rcpthosts",
				"the email account that you tried to reach does not exist",
				"the following recipients was undeliverable", "the user's email name is not found",
				"there is no one at this address", "this address no longer accepts mail",
				"this email address is wrong or no longer valid", "this recipient is in my badrecipientto list",
				"this recipient is not in my validrcptto list", "this spectator does not exist", "unknown mailbox",
				"unknown recipient", "unknown user", "user does not exist", "user missing home directory",
				"user not active", "user not exist", "user not found", "user not known", "user unknown",
				"utilisateur inconnu !", "vdeliver: invalid or unknown virtual user",
				"weil die adresse nicht gefunden wurde oder keine e-mails empfangen kann",
				"your envelope recipient is in my badrcptto list"),
				List.of(new String[] { "<", "> not found" }, new String[] { "<", ">... blocked by " },
						new String[] { "account ", " does not exist at the organization" },
						new String[] { "bad", "recipient" }, new String[] { "mailbox ", "does not exist" },
						new String[] { "mailbox ", "unavailable or access denied" },
						new String[] { "no ", " in name directory" }, new String[] { "non", "existent user" },
						new String[] { "rcpt <", " does not exist" }, new String[] { "rcpt (", "t exist " },
						new String[] { "recipient ", " was not found in" },
						new String[] { "recipient address rejected: user ", "  does not exist" },
						new String[] { "recipient address rejected: user unknown in ", "  table" },
						new String[] { "said: 550", "5.1.1 ", " user unknown " },
						new String[] { "this user doesn't have a ", " account" },
						new String[] { "unknown e", "mail address" }, new String[] { "unknown local", "part" },
						new String[] { "user ", " was not found" }, new String[] { "user ", " does not exist" },
						new String[] { "user (", ") unknown" }));
		phrases(Reason.MAILBOXFULL, List.of("452 insufficient disk space",
				"account disabled temporarly for exceeding receiving limits", "boite du destinataire pleine",
				"exceeded storage allocation", "full mailbox", "mailbox exceeds allowed size",
				"mailbox size limit exceeded", "mailbox would exceed maximum allowed storage", "mailfolder is full",
				"no space left on device", "not sufficient disk space", "quota violation for", "too much mail data",
				"user has exceeded quota, bouncing mail", "user has too many messages on the server",
				"user's space has been used up", "over the allowed quota", "mailbox is full"),
				List.of(new String[] { "account is ", " quota" }, new String[] { "disk", "quota" },
						new String[] { "enough ", " space" }, new String[] { "mailbox ", "exceeded", " limit" },
						new String[] { "mailbox ", "full" }, new String[] { "mailbox ", "quota" },
						new String[] { "maildir ", "quota" }, new String[] { "over ", "quota" },
						new String[] { "quota ", "exceeded" }));
		phrases(Reason.FILTERED, List.of("account is protected by", "bounced address", "has restricted sms e-mail",
				"is not accepting any mail", "message filtered", "message rejected due to user rules",
				"not found recipient account", "recipient id refuse to receive mail",
				"recipient is only accepting mail from specific email addresses",
				"refused due to recipient preferences", "user not found", "user refuses to receive this mail",
				"user reject", "you have been blocked by the recipient"), List.of());
		phrases(Reason.REJECTED, List.of("access denied (in reply to mail from command)",
				"access denied (sender blacklisted)", "address rejected", "administrative prohibition",
				"batv failed to verify", "batv validation failure",
				"backscatter protection detected an invalid or expired email address",
				"because the sender isn't on the recipient's list of senders to accept mail from",
				"bogus mail from", "can't determine purported responsible address",
				"connections not accepted from servers without a valid sender domain", "denied [bouncedeny]",
				"denied by secumail valid-address-filter", "delivery not authorized, message refused",
				"does not exist e2110", "domain of sender address ", "email address is on senderfilterconfig list",
				"emetteur invalide", "empty envelope senders not allowed", "envelope blocked - ",
				"error: no third-party dsns", "from: domain is invalid. please provide a valid from:",
				"fully qualified email address required", "invalid domain, see <url:", "invalid sender",
				"is not a registered gateway user", "mail from not owned by user",
				"message rejected: email address is not verified", "mx records for ", "null sender is not allowed",
				"recipient addresses rejected : access denied", "recipient not accepted. (batv: no tag",
				"returned mail not accepted here", "rfc 1035 violation: recursive cname records for",
				"rule imposed mailbox access for", "sending this from a different address or alias using the ",
				"sender address has been blacklisted", "sender email address rejected", "sender is in my black list",
				"sender is spammer", "sender not pre-approved", "sender rejected", "sender domain is empty",
				"sender verify failed", "sender was rejected", "spam reporting address",
				"syntax error: empty email address", "the message has been rejected by batv defense",
				"this server does not accept mail from", "transaction failed unsigned dsn for",
				"unroutable sender address", "you are not allowed to post to this mailing list",
				"you are sending to/from an address that has been blacklisted",
				"your access to submit messages to this e-mail system has been rejected",
				"your email address has been blacklisted"), List.of());
		PHRASES.put(Reason.REJECTED, PHRASES.get(Reason.REJECTED).and(text -> !containsAny(text,
				List.of("5.1.0 address rejected", "recipient address rejected", "sender ip address rejected"))));
		phrases(Reason.HOSTUNKNOWN, List.of("domain does not exist", "domain is not reachable", "domain must exist",
				"host or domain name not found", "host unknown", "host unreachable",
				"mail domain mentioned in email address is unknown", "name or service not known", "no such domain",
				"recipient address rejected: unknown domain name", "recipient domain must exist",
				"the account or domain may not exist", "unknown host", "unroutable address", "unrouteable address"),
				List.<String[]>of(new String[] { "553 ", " does not exist" }));
		phrases(Reason.BLOCKED, List.of(" said: 550 blocked", "//www.spamcop.net/bl.", "bad sender ip address",
				"banned sending ip", "blacklisted by", "blocked using ", "blocked - see http", "dnsbl:attrbl",
				"client host rejected: abus detecte gu_eib_02", "client host rejected: abus detecte gu_eib_04",
				"client host rejected: may not be mail exchanger", "client host rejected: was not authenticated",
				"confirm this mail server", "connection dropped", "connection refused by", "connection reset by peer",
				"connection was dropped by remote host", "connections not accepted from ip addresses on spamhaus xbl",
				"currently sending spam see: ", "domain does not exist:", "dynamic/zombied/spam ips blocked",
				"error: no valid recipients from ", "esmtp not accepting connections", "extreme bad ip profile",
				"go away", "helo command rejected:", "host network not allowed", "hosts with dynamic ip",
				"invalid ip for sending mail of domain", "is in a black list", "is not allowed to send mail from",
				"mailfrom domain is listed in spamhaus", "no access from mail server",
				"no matches to nameserver query", "not currently accepting mail from your ip",
				"part of their network is on our block list", "please use the smtp server of your isp",
				"refused - see http", "rejected - multi-blacklist",
				"rejected because the sending mta or the sender has not passed validation", "rejecting open proxy",
				"sender ip address rejected", "server access forbidden by your ip ",
				"service not available, closing transmission channel",
				"smtp error from remote mail server after initial connection:",
				"sorry, that domain isn't in my list of allowed rcpthosts",
				"sorry, your remotehost looks suspiciously like spammer",
				"temporarily deferred due to unexpected volume or user complaints",
				"to submit messages to this e-mail system has been rejected", "too many spams from your ip",
				"too many unwanted messages have been sent from the following ip address above", "was blocked by ",
				"we do not accept mail from dynamic ips", "you are not allowed to connect", "you are sending spam",
				"your ip address is listed in the rbl", "your network is temporary blacklisted",
				"your server requires confirmation"),
				List.of(new String[] { "(", "@", ":blocked)" }, new String[] { "access from ip address ", " blocked" },
						new String[] { "client host ", " blocked using" },
						new String[] { "connections will not be accepted from ", " because the ip is in spamhaus's list" },
						new String[] { "dnsbl:rbl ", ">_is_blocked" },
						new String[] { "email blocked by ", ".barracudacentral.org" },
						new String[] { "email blocked by ", "spamhaus" },
						new String[] { "host ", " refused to talk to me: ", " blocked" },
						new String[] { "ip ", " is blocked by earthlink" }, new String[] { "is in an ", "rbl on " },
						new String[] { "mail server at ", " is blocked" }, new String[] { "mail from ", " refused:" },
						new String[] { "mail from ", " refused, see ", "orbs" },
						new String[] { "message from ", " rejected based on blacklist" },
						new String[] { "messages from ", " temporarily deferred due to user complaints" },
						new String[] { "server ip ", " listed as abusive" },
						new String[] { "sorry! your ip address", " is blocked by rbl" },
						new String[] { "the domain ", " is blacklisted" }, new String[] { "the email ", " is blacklisted" },
						new String[] { "the ip", " is blacklisted" }, new String[] { "your access ip", " has been rejected" },
						new String[] { "your sender's ip address is listed at ", ".abuseat.org" }));
		phrases(Reason.EXPIRED, List.of("connection timed out", "could not find a gateway for",
				"delivery attempts will continue to be", "delivery expired", "delivery time expired",
				"failed to deliver to domain ", "giving up on", "have been failing for a long time",
				"has been delayed", "it has not been collected after", "message expired after sitting in queue for",
				"message expired, cannot connect to remote server", "message expired, connection refulsed",
				"message timed out", "retry time not reached for any host after a long failure period",
				"server did not respond", "this message has been in the queue too long",
				"unable to deliver message after multiple retries",
				"was not reachable within the allowed queue period", "your message could not be delivered for more than",
				"retry timeout exceeded", "retry time exceeded"),
				List.<String[]>of(new String[] { "could not be delivered for", " days" }));
		phrases(Reason.SUSPEND, List.of(" is currently suspended", " temporary locked", "archived recipient",
				"boite du destinataire archivee", "email account that you tried to reach is disabled",
				"has been suspended", "inactive account", "invalid/inactive user", "is a deactivated mailbox",
				"is unavailable: user is terminated", "mailbox currently suspended", "mailbox disabled",
				"mailbox is frozen", "mailbox unavailable or access denied", "recipient rejected: temporarily inactive",
				"recipient suspend the service", "the email account that you tried to reach is inactive",
				"this account has been disabled or discontinued", "this account has been temporarily suspended",
				"this address no longer accepts mail", "this mailbox is disabled", "user or domain is disabled",
				"user suspended", "vdelivermail: account is locked email bounced"), List.of());
		phrases(Reason.SPAMDETECTED, List.of(" - spam", "//www.spamhaus.org/help/help_spam_16.htm",
				"//dsbl.org/help/help_spam_16.htm", "//mail.163.com/help/help_spam_16.htm", "554 5.7.0 reject, id=",
				"appears to be unsolicited", "blacklisted url in message", "block for spam",
				"blocked by policy: no spam please", "blocked by spamassassin",
				"blocked for abuse. see http://att.net/blocks", "cannot be forwarded because it was detected as spam",
				"considered unsolicited bulk e-mail (spam) by our mail filters", "content filter rejection",
				"cyberoam anti spam engine has identified this email as a bulk email", "denied due to spam list",
				"high probability of spam", "is classified as spam and is rejected", "listed in work.drbl.imedia.ru",
				"the mail server detected your message as spam and has prevented delivery.",
				"mail appears to be unsolicited", "mail content denied", "may consider spam",
				"message considered as spam or virus", "message contains spam or virus", "message content rejected",
				"message detected as spam", "message filtered", "message filtered. please see the faqs section on spam",
				"message filtered. refer to the troubleshooting page at ", "message looks like spam",
				"message is being rejected as it seems to be a spam", "message refused by mailmarshal spamprofiler",
				"message refused by trustwave seg spamprofiler", "message rejected as spam",
				"message rejected because of unacceptable content", "message rejected due to suspected spam content",
				"message rejected for policy reasons", "message was rejected for possible spam/virus content",
				"our email server thinks this email is spam", "our system has detected that this message is ",
				"probable spam", "reject bulk.advertising", "rejected: spamassassin score ", "rejected - bulk email",
				"rejecting banned content", "rejecting mail content", "related to content with spam-like characteristics",
				"sender domain listed at ", "sending address not accepted due to spam filter", "spam blocked",
				"spam check", "spam content matched", "spam detected", "spam email", "spam email not accepted",
				"spam message rejected.", "spam not accepted", "spam refused", "spam rejection", "spam score ",
				"spambouncer identified spam", "spamming not allowed", "too many spam complaints", "too much spam.",
				"the email message was detected as spam", "the message has been rejected by spam filtering engine",
				"the message was rejected due to classification as bulk mail",
				"the content of this message looked like spam", "this message appears to be spam",
				"this message has been identified as spam", "this message has been scored as spam with a probability",
				"this message was classified as spam", "this message was rejected by recurrent pattern detection system",
				"transaction failed spam message not queued", "we dont accept spam",
				"your email appears similar to spam we have received before", "your email breaches local uribl policy",
				"your email had spam-like ", "your email is considered spam", "your email is probably spam",
				"your email was detected as spam", "your message as spam and has prevented delivery",
				"your message has been temporarily blocked by our filter",
				"your message has been rejected because it appears to be spam",
				"your message has triggered a spam block", "your message may contain the spam contents",
				"your message failed several antispam checks"),
				List.of(new String[] { "greylisted", " please try again in" }, new String[] { "mail score (", " over " },
						new String[] { "mail rejete. mail rejected. ", "506" },
						new String[] { "our filters rate at and above ", " percent probability of being spam" },
						new String[] { "rejected by ", " (spam)" }, new String[] { "rejected due to spam ", "classification" },
						new String[] { "rejected due to spam ", "content" },
						new String[] { "rule imposed as ", " is blacklisted on" }, new String[] { "spam ", " exceeded" },
						new String[] { "this message scored ", " spam points" }));
		phrases(Reason.POLICYVIOLATION, List.of("an illegal attachment on your message",
				"because the recipient is not accepting mail with ", "by non-member to a members-only list",
				"closed mailing list", "denied by policy", "email not accepted for policy reasons",
				"email rejected due to security policies", "header are not accepted", "header error",
				"local policy violation", "message bounced due to organizational settings", "message given low priority",
				"message not accepted for policy reasons", "message rejected due to local policy",
				"messages with multiple addresses", "rejected for policy reasons", "protocol violation",
				"the email address used to send your message is not subscribed to this group",
				"the message was rejected by organization policy",
				"this message was blocked because its content presents a potential",
				"we do not accept messages containing images or other attachments", "you're using a mass mailer"),
				List.<String[]>of(new String[] { "you have exceeded the", "allowable number of posts without solving a captcha" }));
		phrases(Reason.SECURITYERROR, List.of("account not subscribed to ses", "authentication credentials invalid",
				"authentication failure", "authentication required", "authentication turned on in your email client",
				"executable files are not allowed in compressed files", "insecure mail relay",
				"recipient address rejected: access denied",
				"sorry, you don't authenticate or the domain isn't in my list of allowed rcpthosts",
				"unauthenticated senders not allowed", "verification failure",
				"you are not authorized to send mail, authentication is required"),
				List.of(new String[] { "authentication failed; server ", " said: " },
						new String[] { "authentification invalide", "305" }, new String[] { "authentification requise", "402" },
						new String[] { "domain ", " is a dead domain" },
						new String[] { "user ", " is not authorized to perform ses:sendrawemail on resource" }));
		phrases(Reason.SYSTEMERROR, List.of("aliasing/forwarding loop broken", "can't create user output file",
				"could not load drd for domain", "internal error reading data",
				"internal server error: operation now in progress", "interrupted system call",
				"it encountered an error while being processed", "it would create a mail loop",
				"local configuration error", "local error in processing", "loop was found in the mail exchanger",
				"loops back to myself", "mail system configuration error", "queue file write error",
				"recipient deferred because there is no mdb", "remote server is misconfigured",
				"server configuration error", "service currently unavailable", "system config error",
				"temporary local problem", "timeout waiting for input", "transaction failed "),
				List.<String[]>of(new String[] { "unable to connect ", "daemon" }));
		phrases(Reason.NETWORKERROR, List.of("could not connect and send the mail to",
				"dns records for the destination computer could not be found", "hop count exceeded - possible mail loop",
				"host is unreachable", "host name lookup failure", "host not found, try again",
				"mail forwarding loop for ", "malformed name server reply", "malformed or unexpected name server reply",
				"maximum forwarding loop count exceeded", "message looping", "message probably in a routing loop",
				"no route to host", "too many hops", "unable to resolve route ", "unrouteable mail domain"), List.of());
		phrases(Reason.NOTACCEPT, List.of("does not accept mail (nullmx)", "host/domain does not accept mail",
				"host does not accept mail", "mail receiving disabled", "name server: .: host not found",
				"no mx record found for domain=", "no route for current request",
				"smtp protocol returned a permanent error"), List.of());
		phrases(Reason.AUTHFAILURE, List.of("//spf.pobox.com", "bad spf records for", "dmarc policy",
				"doesn't meet the required authentication level", "please inspect your spf settings",
				"sender policy framework (spf) fail", "sender policy framework violation",
				"spf (sender policy framework) domain authentication fail", "spf check: fail",
				"the 5322.from address doesn't meet the authentication requirements defined for the sender"),
				List.of(new String[] { " is not allowed to send mail.", "_401" },
						new String[] { "is not allowed to send from <", " per it's spf record" }));
		phrases(Reason.REQUIREPTR, List.of("access denied. ip name lookup failed",
				"all mail servers must have a ptr record with a valid reverse dns entry", "bad dns ptr resource record",
				"cannot find your hostname", "cannot resolve your address.", "client host rejected: cannot find your hostname",
				"fix reverse dns for ", "ips with missing ptr records", "no ptr record found.",
				"please get a custom reverse dns name from your isp for your host", "ptr record setup",
				"reverse dns failed", "reverse dns required", "sender ip reverse lookup rejected",
				"the ip address sending this message does not have a ptr record setup",
				"the corresponding forward dns entry does not point to the sending ip",
				"this system will not accept messages from servers/devices with no reverse dns",
				"unresolvable relay host name", "we do not accept mail from hosts with dynamic ip or generic dns ptr-records"),
				List.of(new String[] { "domain ", " mismatches client ip" }, new String[] { "dns lookup failure: ", " try again later" },
						new String[] { "reverse dns lookup for host ", " failed permanently" },
						new String[] { "server access ", " forbidden by invalid rdns record of your mail server" },
						new String[] { "service permits ", " unverifyable sending ips" }));
		phrases(Reason.HASMOVED, List.of(" has been replaced by "), List.of());
		phrases(Reason.NORELAYING, List.of("as a relay", "email address is not verified.", "insecure mail relay",
				"is not permitted to relay through this server without authentication",
				"mail server requires authentication when attempting to send to a non-local e-mail address",
				"no relaying", "not a gateway", "not allowed to relay through this machine",
				"not an open relay, so get lost", "not local host", "relay access denied", "relay denied",
				"relay not permitted", "relaying denied", "relaying mail to ", "specified domain is not allowed",
				"that domain isn't in my list of allowed rcpthost", "this system is not configured to relay mail",
				"unable to relay ", "we don't handle mail for"), List.of());
		phrases(Reason.CONTENTERROR, List.of("duplicate header", "header size exceeds maximum permitted",
				"improper use of 8-bit data in message header",
				"message header size, or recipient list, exceeds policy limit",
				"message mime complexity exceeds the policy maximum",
				"routing loop detected -- too many received: headers", "this message contain invalid mime headers",
				"this message contain improperly-formatted binary content",
				"this message contain text that uses unnecessary base64 encoding"), List.of());
		phrases(Reason.BADREPUTATION, List.of("a poor email reputation score",
				"has been temporarily rate limited due to ip reputation", "ip/domain reputation problems",
				"likely suspicious due to the very low reputation", "none/bad reputation",
				"temporarily deferred due to unexpected volume or user complaints", "the sending mta's poor reputation"),
				List.of());
		phrases(Reason.NOTCOMPLIANTRFC, List.of("duplicate header", "this message is not rfc 5322 compliant",
				"https://support.google.com/mail/?p=rfcmessagenoncompliant"),
				List.<String[]>of(new String[] { " multiple ", " header" }));
		phrases(Reason.TOOMANYCONN, List.of("all available ips are at maximum connection limit",
				"connection rate limit exceeded", "exceeds per-domain connection limit for",
				"has exceeded the max emails per hour ", "throttling failure: daily message quota exceeded",
				"throttling failure: maximum sending rate exceeded", "too many connections",
				"too many concurrent smtp connections", "too many errors from your ip", "too many recipients",
				"too many smtp sessions for this host", "trop de connexions, ",
				"we have already made numerous attempts to deliver this message"), List.of());
		phrases(Reason.SPEEDING, List.of("mail sent from your ip address has been temporarily rate limited",
				"please try again slower",
				"receiving mail at a rate that prevents additional messages from being delivered"), List.of());
		phrases(Reason.MESGTOOBIG, List.of("exceeded maximum inbound message size",
				"exceeded the maximum incoming message size", "line limit exceeded", "max message size exceeded",
				"message file too big", "message length exceeds administrative limit", "message size exceeds fixed limit",
				"message size exceeds fixed maximum message size", "message size exceeds maximum value",
				"message too big", "message too large for this ", "size limit", "taille limite du message atteinte"),
				List.of());
		phrases(Reason.EXCEEDLIMIT, List.of("message header size exceeds limit", "message too large"), List.of());
		phrases(Reason.SYSTEMFULL, List.of("mail system full",
				"requested mail action aborted: exceeded storage allocation"), List.of());
		phrases(Reason.VIRUSDETECTED, List.of("it has a potentially executable attachment",
				"the message was rejected because it contains prohibited virus or spam content",
				"this form of attachment has been used by recent viruses or other malware", "virus detected",
				"virus phishing/malicious_url detected", "your message was infected with a virus"), List.of());
		phrases(Reason.MAILERERROR, List.of(" || exit ", "procmail: ", "bin/procmail", "bin/maidrop",
				"command failed: ", "command died with status ", "command output:", "mail.local: ",
				"permission denied. command output:", "pipe to |/", "x-unix; "), List.of());
		phrases(Reason.VACATION, List.of("i am away on vacation", "i am away until", "i am out of the office",
				"i will be traveling for work on"), List.of());
	}

	private static void phrases(Reason reason, List<String> index, List<String[]> pairs) {
		PHRASES.put(reason, text -> !text.isEmpty() && (containsAny(text, index) || alignedAny(text, pairs)));
	}

	private ReasonRules() {
	}

	/** Whether the lower-cased text uses a wording typical of the reason. */
	static boolean says(Reason reason, String lowerText) {
		Predicate<String> p = PHRASES.get(reason);
		return p != null && p.test(lowerText);
	}

	/** The first reason whose wording the lower-cased text uses, trying the most telling first. */
	static Reason match(String lowerText) {
		for (Reason r : List.of(Reason.MAILBOXFULL, Reason.MESGTOOBIG, Reason.EXCEEDLIMIT, Reason.SUSPEND,
				Reason.USERUNKNOWN, Reason.FILTERED, Reason.REJECTED, Reason.HOSTUNKNOWN, Reason.SPAMDETECTED,
				Reason.SPEEDING, Reason.TOOMANYCONN, Reason.REQUIREPTR, Reason.BADREPUTATION, Reason.BLOCKED,
				Reason.AUTHFAILURE, Reason.VIRUSDETECTED, Reason.POLICYVIOLATION, Reason.SECURITYERROR,
				Reason.SYSTEMERROR, Reason.NETWORKERROR, Reason.EXPIRED, Reason.CONTENTERROR, Reason.HASMOVED,
				Reason.SYSTEMFULL, Reason.NOTACCEPT, Reason.MAILERERROR, Reason.NORELAYING)) {
			if (says(r, lowerText)) {
				return r;
			}
		}
		return null;
	}

	/** Sisimai's {@code reason.Find}: the reason for one recipient, never null. */
	static Reason find(Evidence e) {
		if (e.hint() != null && !e.hint().shouldBeRetried()) {
			return e.hint();
		}
		if (e.status() != null && e.status().startsWith("2.")) {
			return Reason.DELIVERED;
		}
		Reason found = null;
		String type = e.diagnosticType() == null ? "" : e.diagnosticType();
		if (type.isEmpty() || type.equals("SMTP")) {
			for (Reason r : List.of(Reason.MAILBOXFULL, Reason.MESGTOOBIG, Reason.EXCEEDLIMIT, Reason.SUSPEND,
					Reason.HASMOVED, Reason.NORELAYING, Reason.AUTHFAILURE, Reason.USERUNKNOWN, Reason.FILTERED,
					Reason.REQUIREPTR, Reason.NOTCOMPLIANTRFC, Reason.BADREPUTATION, Reason.CONTENTERROR,
					Reason.REJECTED, Reason.HOSTUNKNOWN, Reason.SPAMDETECTED, Reason.SPEEDING, Reason.TOOMANYCONN,
					Reason.BLOCKED)) {
				if (probe(r, e)) {
					found = r;
					break;
				}
			}
		}
		if (found != null && found != Reason.UNDEFINED) {
			return found;
		}
		Reason other = anotherOne(e);
		if (other == Reason.UNDEFINED) {
			other = null;
		}
		if (other == null && "delayed".equals(e.action())) {
			other = Reason.EXPIRED;
		}
		if (other != null) {
			return other;
		}
		String diag = e.lowerDiagnostic();
		if (says(Reason.VACATION, diag)) {
			return Reason.VACATION;
		}
		return diag.isEmpty() ? Reason.UNDEFINED : Reason.ONHOLD;
	}

	private static Reason anotherOne(Evidence e) {
		if (e.hint() != null && e.hint().isExplicit()) {
			return e.hint();
		}
		String diag = e.lowerDiagnostic();
		Reason byStatus = Reason.ofStatus(e.status());
		String type = e.diagnosticType() == null ? "" : e.diagnosticType();
		if ((byStatus != null && byStatus.shouldBeRetried()) || !type.equals("SMTP") && !type.isEmpty()) {
			for (Reason r : List.of(Reason.MAILBOXFULL, Reason.AUTHFAILURE, Reason.BADREPUTATION, Reason.SPEEDING,
					Reason.SPAMDETECTED, Reason.VIRUSDETECTED, Reason.POLICYVIOLATION, Reason.NORELAYING,
					Reason.SYSTEMERROR, Reason.NETWORKERROR, Reason.SUSPEND, Reason.CONTENTERROR, Reason.SYSTEMFULL,
					Reason.NOTACCEPT, Reason.EXPIRED, Reason.SECURITYERROR, Reason.MAILERERROR)) {
				if (says(r, diag)) {
					return r;
				}
			}
			if (byStatus != null) {
				return byStatus;
			}
			String status = e.status() == null ? "" : e.status();
			if (status.length() > 3) {
				String subject = status.substring(0, 3);
				if (subject.equals("5.6") || subject.equals("4.6")) {
					return Reason.CONTENTERROR;
				}
				if (subject.equals("5.7") || subject.equals("4.7")) {
					return Reason.SECURITYERROR;
				}
			}
			if (type.startsWith("X-UNIX")) {
				return Reason.MAILERERROR;
			}
			if (isSyntaxError(e)) {
				return Reason.SYNTAXERROR;
			}
			if ("delayed".equals(e.action()) || "expired".equals(e.action())) {
				return Reason.EXPIRED;
			}
			if ("EHLO".equals(e.command()) || "HELO".equals(e.command())) {
				return Reason.BLOCKED;
			}
		}
		return byStatus;
	}

	private static boolean isSyntaxError(Evidence e) {
		try {
			int reply = Integer.parseInt(e.replyCode());
			return reply > 400 && reply < 408 || reply > 500 && reply < 508;
		}
		catch (NumberFormatException ex) {
			return false;
		}
	}

	/** Sisimai's per-reason {@code ProbesInto}: status code first, then wording, mindful of the command. */
	private static boolean probe(Reason r, Evidence e) {
		if (e.hint() == r) {
			return true;
		}
		Reason byStatus = Reason.ofStatus(e.status());
		String diag = e.lowerDiagnostic();
		String command = e.command() == null ? "" : e.command();
		return switch (r) {
			case MAILBOXFULL, AUTHFAILURE, REQUIREPTR, TOOMANYCONN, BLOCKED -> byStatus == r || says(r, diag);
			case MESGTOOBIG -> byStatus == r || byStatus != Reason.EXCEEDLIMIT && !"5.2.3".equals(e.status()) && says(r, diag);
			case EXCEEDLIMIT -> byStatus == r || says(r, diag);
			case SUSPEND -> "525".equals(e.replyCode()) || says(r, diag);
			case HASMOVED, NOTCOMPLIANTRFC, BADREPUTATION, SPEEDING -> says(r, diag);
			case NORELAYING -> !Set.of("CONN", "EHLO", "HELO").contains(command) && says(r, diag);
			case USERUNKNOWN -> {
				if (byStatus == Reason.USERUNKNOWN) {
					yield !(says(Reason.NORELAYING, diag) || says(Reason.BLOCKED, diag) || says(Reason.MAILBOXFULL, diag)
							|| says(Reason.HASMOVED, diag) || says(Reason.REJECTED, diag) || says(Reason.NOTACCEPT, diag));
				}
				yield command.equals("RCPT") && says(r, diag);
			}
			case FILTERED -> {
				if (byStatus == Reason.FILTERED) {
					yield says(Reason.USERUNKNOWN, diag) || says(r, diag);
				}
				yield !BEFORE_DATA.contains(command) && (says(r, diag) || says(Reason.USERUNKNOWN, diag));
			}
			case CONTENTERROR -> !probe(Reason.SPAMDETECTED, e) && (byStatus == r || says(r, diag));
			case REJECTED -> {
				if (byStatus == r) {
					yield true;
				}
				if (command.equals("MAIL")) {
					yield says(r, diag);
				}
				if (command.equals("DATA") && byStatus != Reason.USERUNKNOWN) {
					yield says(r, diag);
				}
				yield (byStatus == null || !byStatus.isExplicit() || byStatus == Reason.SECURITYERROR
						|| byStatus == Reason.SYSTEMERROR) && says(r, diag);
			}
			case HOSTUNKNOWN -> byStatus == r ? !says(Reason.NETWORKERROR, diag) : says(r, diag);
			case SPAMDETECTED -> {
				if (e.status() == null || e.status().isEmpty()) {
					yield false;
				}
				yield byStatus == r || !BEFORE_DATA.contains(command) && says(r, diag);
			}
			default -> false;
		};
	}

}
