package io.mailroom.bounce;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What large mailbox providers mean by their own error texts and codes (Orange's "OFR_416",
 * Spectrum's "AUP#1100", Cox's "AUP#CXBL", KDDI's and NTT DOCOMO's wording, Google's and
 * Microsoft's documented replies…). Chosen by the recipient's domain or the remote host, as
 * sisimai's rhost modules are, and consulted before the generic wording rules.
 */
final class RemoteHostRules {

	/** What the classifier knows about one recipient, lower-cased where it is text. */
	record Evidence(String recipient, String remoteHost, String status, String replyCode, String diagnostic,
			String command) {
	}

	private record Provider(List<String> hosts, Function<Evidence, Reason> rules) {
	}

	private static final List<Provider> PROVIDERS = List.of(
			new Provider(List.of(".mail.icloud.com", ".apple.com", ".me.com"), RemoteHostRules::apple),
			new Provider(List.of("cox.net"), RemoteHostRules::cox),
			new Provider(List.of(".laposte.net", ".orange.fr", ".wanadoo.fr"), RemoteHostRules::francePtt),
			new Provider(List.of("aspmx.l.google.com", "gmail-smtp-in.l.google.com"), RemoteHostRules::google),
			new Provider(List.of(".email.ua"), RemoteHostRules::iua),
			new Provider(List.of(".ezweb.ne.jp", "msmx.au.com"), RemoteHostRules::kddi),
			new Provider(List.of(".prod.outlook.com", ".protection.outlook.com", ".onmicrosoft.com",
					".exchangelabs.com"), RemoteHostRules::microsoft),
			new Provider(List.of("mfsmax.docomo.ne.jp"), RemoteHostRules::nttDocomo),
			new Provider(List.of("charter.net"), RemoteHostRules::spectrum),
			new Provider(List.of(".qq.com"), RemoteHostRules::tencent),
			new Provider(List.of(".yahoodns.net"), RemoteHostRules::yahoo),
			new Provider(List.of(".hotmail.com"), RemoteHostRules::outlook),
			new Provider(List.of(".mail.aol.com", ".mx.aol.com"), RemoteHostRules::aol),
			new Provider(List.of(".facebook.com"), RemoteHostRules::facebook));

	private RemoteHostRules() {
	}

	/** The provider's verdict, or null when the provider is not known or its rules say nothing. */
	static Reason find(Evidence e) {
		if (e.diagnostic().isEmpty()) {
			return null;
		}
		String domain = e.recipient().substring(e.recipient().lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
		String host = e.remoteHost().toLowerCase(Locale.ROOT);
		for (Provider p : PROVIDERS) {
			for (String pattern : p.hosts()) {
				boolean byDomain = domain.contains(".") && (pattern.equals(domain) || pattern.endsWith("." + domain));
				boolean byHost = !host.isEmpty() && host.endsWith(pattern);
				if (byDomain || byHost || e.diagnostic().contains(pattern.startsWith(".") ? pattern : " " + pattern)) {
					return p.rules().apply(e);
				}
			}
		}
		return null;
	}

	private static Reason firstMatch(String text, List<Map.Entry<Reason, List<String>>> table) {
		for (Map.Entry<Reason, List<String>> entry : table) {
			if (SmtpText.containsAny(text, entry.getValue())) {
				return entry.getKey();
			}
		}
		return null;
	}

	private static Reason apple(Evidence e) {
		return firstMatch(e.diagnostic(), List.of(
				Map.entry(Reason.AUTHFAILURE, List.of("s dmarc policy", "blocked for failing both spf and dkim autentication checks")),
				Map.entry(Reason.BLOCKED, List.of("rejected due to having a domain present in the spamhaus",
						"rejected due to listing in spamhaus", "blocked - see https://support.proofpoint.com/dnsbl-lookup",
						"not accepting connections")),
				Map.entry(Reason.HASMOVED, List.of("recipient no longer on server")),
				Map.entry(Reason.MAILBOXFULL, List.of("user is over quota")),
				Map.entry(Reason.NORELAYING, List.of("relay access denied")),
				Map.entry(Reason.NOTACCEPT, List.of("host/domain does not accept mail")),
				Map.entry(Reason.POLICYVIOLATION, List.of("due to local policy")),
				Map.entry(Reason.REJECTED, List.of("sender address rejected")),
				Map.entry(Reason.SPEEDING, List.of("due to excessive volume")),
				Map.entry(Reason.USERUNKNOWN, List.of("inactive email address", "user does not exist", "unknown or illegal alias"))));
	}

	private static final Pattern AUP = Pattern.compile("aup#([a-z0-9]+)");

	private static Reason cox(Evidence e) {
		Matcher m = AUP.matcher(e.diagnostic());
		if (m.find()) {
			String code = m.group(1).toUpperCase(Locale.ROOT);
			Reason r = switch (code) {
				case "CXBL", "CDRBL" -> Reason.BLOCKED;
				case "CXDNS" -> Reason.REQUIREPTR;
				case "CXSNDR" -> Reason.AUTHFAILURE;
				case "CXSMTP" -> Reason.REJECTED;
				case "CXCNCT", "CXMXRT" -> Reason.TOOMANYCONN;
				case "CXTHRT", "CXMJ" -> Reason.SECURITYERROR;
				default -> code.startsWith("IPBL") ? Reason.BLOCKED : code.startsWith("URLBL") ? Reason.SPAMDETECTED : null;
			};
			if (r != null) {
				return r;
			}
		}
		return firstMatch(e.diagnostic(), List.of(
				Map.entry(Reason.BLOCKED, List.of("cox too many bad commands from", "too many invalid recipients")),
				Map.entry(Reason.REQUIREPTR, List.of("dns check failure - try again later", "rejected - no rdns")),
				Map.entry(Reason.POLICYVIOLATION, List.of("esmtp no data before greeting", "attachment extension is forbidden")),
				Map.entry(Reason.REJECTED, List.of("sender rejected")),
				Map.entry(Reason.SYSTEMERROR, List.of("esmtp server temporarily not available")),
				Map.entry(Reason.TOOMANYCONN, List.of("too many sessions from", "requested action aborted: try again later",
						"message threshold exceeded")),
				Map.entry(Reason.USERUNKNOWN, List.of("recipient rejected"))));
	}

	/** Orange and La Poste end their replies with a labelled code: "OFR_416", "LPN007_420". */
	private static final Pattern FRANCE_PTT = Pattern.compile("(?:lpnaaa|lpn|ofr|ouk)[-_]?\\d*[-_](\\d{3})\\b|(?:lpn|ofr)(\\d{3})\\b");

	private static Reason francePtt(Evidence e) {
		Matcher m = FRANCE_PTT.matcher(e.diagnostic());
		String code = null;
		while (m.find()) {
			code = m.group(1) != null ? m.group(1) : m.group(2);
		}
		if (code != null) {
			Reason r = switch (code) {
				case "101", "102", "103", "510", "999" -> Reason.BLOCKED;
				case "104" -> Reason.TOOMANYCONN;
				case "305", "402" -> Reason.SECURITYERROR;
				case "401", "517" -> Reason.AUTHFAILURE;
				case "403", "405", "415", "421" -> Reason.REJECTED;
				case "416" -> Reason.USERUNKNOWN;
				case "417" -> Reason.MAILBOXFULL;
				case "420", "426" -> Reason.SUSPEND;
				case "505" -> Reason.SYSTEMERROR;
				case "506" -> Reason.SPAMDETECTED;
				case "514" -> Reason.MESGTOOBIG;
				case "630" -> Reason.POLICYVIOLATION;
				default -> null;
			};
			if (r != null) {
				return r;
			}
		}
		return e.diagnostic().contains("spf/dns de votre nom de domaine") ? Reason.AUTHFAILURE : null;
	}

	/** Google's documented replies (support.google.com/a/answer/3726730), by their wording. */
	private static Reason google(Evidence e) {
		return firstMatch(e.diagnostic(), List.of(
				Map.entry(Reason.AUTHFAILURE, List.of("the spf record of the sending domain",
						"senders to authenticate with either spf or dkim",
						"fails to pass spf checks for an spf record with a hard fail", "has an spf record with a hard fail policy",
						"is not accepted due to domain's dmarc policy", "fails to pass authentication checks",
						"senders to authenticate with spf", "senders to authenticate their email with spf",
						"senders to authenticate their email with dkim", "senders to authenticate with dkim",
						"aligned with either the authenticated spf or dkim", "to add a dmarc record to ")),
				Map.entry(Reason.BADREPUTATION, List.of("very low reputation of the sending ip address",
						"very low reputation of the sending domain")),
				Map.entry(Reason.BLOCKED, List.of("ip not in whitelist for rcpt domain", "try again later, closing connection.",
						"empty helo/ehlo argument not allowed", "helo/ehlo argument is invalid",
						"an unusual rate of unsolicited mail", "an unusual rate of mail")),
				Map.entry(Reason.EXCEEDLIMIT, List.of("exceeds google's limit of limit attachments.",
						"your message exceeded google's message header size limits", "bytes per individual header size",
						"exceeds google's header name limit of", "exceeds google's message header size limit")),
				Map.entry(Reason.MESGTOOBIG, List.of("exceeded google's message size limits", "exceeds google's message size limit of")),
				Map.entry(Reason.EXPIRED, List.of("connection expired", "timeout - closing connection")),
				Map.entry(Reason.MAILBOXFULL, List.of("inbox is out of storage space", "is over quota", "email quota exceeded")),
				Map.entry(Reason.NETWORKERROR, List.of("message exceeded 50 hops")),
				Map.entry(Reason.NORELAYING, List.of("mail relay denied", "invalid credentials for relay",
						"is not authorized to send email directly to our servers")),
				Map.entry(Reason.NOTCOMPLIANTRFC, List.of("missing a valid address in the from: header",
						"multiple addresses in from: header are not accepted", "is not rfc 5322 compliant",
						"missing a valid message-id: header", "contains a unicode character in a disallowed header",
						"encoded-word syntax is not permitted", "mail message is malformed")),
				Map.entry(Reason.POLICYVIOLATION, List.of("illegal attachment on your message",
						"blocked because its content presents a potential security issue",
						"you are sending to (or from) has a policy that prohibited",
						"sending messages with the same message-id:")),
				Map.entry(Reason.REJECTED, List.of("mail sending denied", "unauthenticated email is not accepted")),
				Map.entry(Reason.REQUIREPTR, List.of("does not have a ptr record", " have a ptr record, or the ptr record",
						"does not meet ipv6 sending guidelines regarding ptr records and authentication",
						"does not match the ip address of the hostname")),
				Map.entry(Reason.SECURITYERROR, List.of("too many login attempts", "no identity changes permitted",
						"authentication required.", "application-specific password required",
						"please log in with your web browser", "please log in through your web browser",
						"username and password not accepted")),
				Map.entry(Reason.SPAMDETECTED, List.of("due to the nature of the content or the links within",
						"likely unsolicited mail")),
				Map.entry(Reason.SPEEDING, List.of("is receiving mail too quickly", "peak smtp relay limit exceeded for customer",
						"rate that prevents additional messages from being delivered", "daily sending quota exceeded",
						"daily user sending limit exceeded", "daily smtp relay limit exceeded for",
						"daily smtp relay sending limit exceeded for", "this mail has been rate limited")),
				Map.entry(Reason.SUSPEND, List.of("account that you tried to reach is disabled",
						"account that you tried to reach is inactive")),
				Map.entry(Reason.SYNTAXERROR, List.of("smtp protocol violation", "optional argument not permitted",
						"too many unrecognized commands, goodbye", "unimplemented command", "unrecognized command",
						"bad sequence of commands", "ehlo/helo first", "no data after bdat", "unrecognized authentication type")),
				Map.entry(Reason.SYSTEMERROR, List.of("temporary system problem", "server busy",
						"multiple destination domains per transaction is unsupported",
						"mail server has temporarily rejected this message", "mail server temporarily rejected message",
						"domain policy size per transaction exceeded")),
				Map.entry(Reason.TOOMANYCONN, List.of("your message has too many recipients", "too many recipients for this sender")),
				Map.entry(Reason.USERUNKNOWN, List.of("the email account that you tried to reach does not exist",
						"we weren't able to find the recipient domain", "is not a valid rfc 5321 address"))));
	}

	private static final Pattern IUA = Pattern.compile("\\.i\\.ua/err/(\\d+)/");

	private static Reason iua(Evidence e) {
		Matcher m = IUA.matcher(e.diagnostic());
		if (!m.find()) {
			return null;
		}
		return switch (m.group(1)) {
			case "1", "6" -> Reason.NORELAYING;
			case "2" -> Reason.USERUNKNOWN;
			case "3" -> Reason.SUSPEND;
			case "4" -> Reason.MAILBOXFULL;
			case "5" -> Reason.TOOMANYCONN;
			case "7", "9" -> Reason.BLOCKED;
			case "8" -> Reason.REJECTED;
			case "10" -> Reason.FILTERED;
			default -> null;
		};
	}

	private static Reason kddi(Evidence e) {
		if (e.diagnostic().contains("550 : user unknown")) {
			return Reason.FILTERED;
		}
		return e.diagnostic().contains(">: user unknown") ? Reason.USERUNKNOWN : null;
	}

	/** Exchange Online's documented NDR texts (a selection of the distinctive ones). */
	private static Reason microsoft(Evidence e) {
		return firstMatch(e.diagnostic(), List.of(
				Map.entry(Reason.AUTHFAILURE, List.of("must pass either spf or dkim validation, this message is not signed",
						"the message was rejected because of sender policy framework violation",
						"does not pass dmarc verification", "doesn't meet the required authentication level")),
				Map.entry(Reason.BADREPUTATION, List.of("has been temporarily rate limited due to ip reputation")),
				Map.entry(Reason.BLOCKED, List.of("access denied, please try again later", "must have a reverse dns record",
						"access denied, bad helo", "access denied, rejected by recipient", "does not accept email over ipv6",
						"access denied, banned sender", "using customer block list", "access denied, banned sending ip ",
						"part of their network is on our block list (s3150)")),
				Map.entry(Reason.CONTENTERROR, List.of("too many related errors", "invalid characters",
						"agent generated message depth exceeded", "invalid message content")),
				Map.entry(Reason.MESGTOOBIG, List.of("message too large for this recipient",
						"message size exceeds fixed maximum message size", "message too big for system")),
				Map.entry(Reason.EXPIRED, List.of("message delayed", "message expired"))));
	}

	private static Reason nttDocomo(Evidence e) {
		String status = e.status();
		if (status.equals("5.1.1") || status.equals("5.0.911")) {
			return Reason.USERUNKNOWN;
		}
		if (status.equals("5.2.0")) {
			return Reason.FILTERED;
		}
		Reason r = firstMatch(e.diagnostic(), List.of(
				Map.entry(Reason.MAILBOXFULL, List.of("552 too much mail data")),
				Map.entry(Reason.SYNTAXERROR, List.of("503 bad sequence of commands", "504 command parameter not implemented")),
				Map.entry(Reason.TOOMANYCONN, List.of("552 too many recipients"))));
		if (r != null) {
			return r;
		}
		if (status.equals("5.0.0")) {
			// DOCOMO answers an unknown user at RCPT, a filtered sender only after DATA
			return e.command().equals("RCPT") ? Reason.USERUNKNOWN : e.command().equals("DATA") ? Reason.REJECTED : null;
		}
		return null;
	}

	private static Reason spectrum(Evidence e) {
		Matcher m = Pattern.compile("aup#\\D{0,8}?(\\d{4})").matcher(e.diagnostic());
		if (!m.find()) {
			return null;
		}
		int code = Integer.parseInt(m.group(1));
		if (code == 1000) {
			return Reason.BLOCKED;
		}
		if (code == 1010 || code >= 1020 && code <= 1080 || code == 1500 || code == 1520) {
			return Reason.REJECTED;
		}
		if (code == 1090) {
			return Reason.SYSTEMERROR;
		}
		if (code >= 1100 && code <= 1150) {
			return Reason.REQUIREPTR;
		}
		if (code >= 1160 && code <= 1190 || code == 1560) {
			return Reason.POLICYVIOLATION;
		}
		if (code >= 1200 && code <= 1250) {
			return Reason.BLOCKED;
		}
		if (code == 1260) {
			return Reason.NETWORKERROR;
		}
		if (code >= 1300 && code <= 1340) {
			return Reason.TOOMANYCONN;
		}
		if (code >= 1350 && code <= 1490 || code == 1540 || code == 1550 || code == 1580) {
			return Reason.SPEEDING;
		}
		return code == 1530 ? Reason.MESGTOOBIG : null;
	}

	private static Reason yahoo(Evidence e) {
		return firstMatch(e.diagnostic(), List.of(
				Map.entry(Reason.AUTHFAILURE, List.of("yahoo requires all senders to authenticate with either spf or dkim")),
				Map.entry(Reason.BLOCKED, List.of(" because the ip is in spamhaus's list;",
						"not accepted from ip addresses on spamhaus xbl")),
				Map.entry(Reason.NORELAYING, List.of("relaying denied for ")),
				Map.entry(Reason.NOTCOMPLIANTRFC, List.of("headers are not rfc compliant")),
				Map.entry(Reason.POLICYVIOLATION, List.of("not accepted for policy reasons")),
				Map.entry(Reason.REJECTED, List.of("temporarily deferred due to unexpected volume or user complaints",
						"due to unresolvable rfc.5321 domain", " will be permanently deferred")),
				Map.entry(Reason.SPEEDING, List.of("user is receiving mail too quickly")),
				Map.entry(Reason.SUSPEND, List.of(" is no longer valid.", "this mailbox is disabled")),
				Map.entry(Reason.SYNTAXERROR, List.of("syntax error in parameters or arguments")),
				Map.entry(Reason.TOOMANYCONN, List.of("max message per connection reached")),
				Map.entry(Reason.USERUNKNOWN, List.of("dd this user doesn't have a ", "mailbox not found"))));
	}

	private static Reason outlook(Evidence e) {
		return firstMatch(e.diagnostic(), List.of(
				Map.entry(Reason.HOSTUNKNOWN, List.of("the mail could not be delivered to the recipient because the domain is not reachable")),
				Map.entry(Reason.USERUNKNOWN, List.of("requested action not taken: mailbox unavailable"))));
	}

	private static Reason aol(Evidence e) {
		return firstMatch(e.diagnostic(), List.of(
				Map.entry(Reason.HOSTUNKNOWN, List.of("host or domain name not found")),
				Map.entry(Reason.NOTACCEPT, List.of("type=mx: malformed or unexpected name server reply"))));
	}

	/** Facebook's response codes (postmaster.facebook.com/response_codes): "550 5.1.1 RCP-P2". */
	private static final Pattern FACEBOOK = Pattern.compile("\\b([a-z]{3}-[pt]\\d)\\b");

	private static Reason facebook(Evidence e) {
		Matcher m = FACEBOOK.matcher(e.diagnostic());
		if (!m.find()) {
			return null;
		}
		String code = m.group(1).toUpperCase(Locale.ROOT);
		return switch (code) {
			case "RCP-P1", "INT-P1", "INT-P3", "INT-P4" -> Reason.USERUNKNOWN;
			case "RCP-P2", "RCP-P3" -> Reason.FILTERED;
			case "MSG-P1", "INT-P2" -> Reason.MESGTOOBIG;
			case "MSG-P2", "MSG-P3", "POL-P6", "POL-P7" -> Reason.CONTENTERROR;
			case "POL-P1", "POL-P2", "POL-P5" -> Reason.SECURITYERROR;
			case "POL-P3", "POL-P4", "POL-T1", "POL-T2", "POL-T3" -> Reason.NOTACCEPT;
			case "DNS-P1", "DNS-P2", "DNS-T1", "DNS-P3", "DNS-T2" -> Reason.REJECTED;
			case "CON-T1" -> Reason.SYSTEMERROR;
			case "CON-T3" -> Reason.TOOMANYCONN;
			case "RCP-T4" -> Reason.SUSPEND;
			default -> code.startsWith("INT-T") ? Reason.SYSTEMERROR : null;
		};
	}

	private static Reason tencent(Evidence e) {
		return firstMatch(e.diagnostic(), List.of(
				Map.entry(Reason.AUTHFAILURE, List.of("spf check failed", "dmarc check failed")),
				Map.entry(Reason.BLOCKED, List.of("suspected bounce attacks", "suspected spam ip", "connection denied")),
				Map.entry(Reason.MESGTOOBIG, List.of("message too large")),
				Map.entry(Reason.SPAMDETECTED, List.of("spam is embedded in the email", "mail content denied")),
				Map.entry(Reason.REJECTED, List.of("suspected spam", "mail is rejected by recipients")),
				Map.entry(Reason.SPEEDING, List.of("mailbox unavailable or access denined",
						"frequency of receiving messages is limited")),
				Map.entry(Reason.SUSPEND, List.of("is a deactivated mailbox")),
				Map.entry(Reason.SYNTAXERROR, List.of("bad address syntax")),
				Map.entry(Reason.TOOMANYCONN, List.of("ip frequency limited", "domain frequency limited",
						"sender frequency limited", "connection frequency limited")),
				Map.entry(Reason.USERUNKNOWN, List.of("mailbox not found"))));
	}

}
