package io.mailroom.bounce;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Why a message bounced, at the grain sisimai uses (its reason names, lower-cased). The reader
 * decides a reason first and derives the public {@link BouncedRecipient.Category}, the
 * hard/soft kind and, when the bounce carries no enhanced status code, a pseudo code from it.
 * The pseudo codes are sisimai's "x.0.9xx" codes so results stay comparable with its corpus.
 */
enum Reason {

	AUTHFAILURE("5.0.972", "4.0.972"),
	BADREPUTATION("5.0.975", "4.0.975"),
	BLOCKED("5.0.971", "4.0.971"),
	CONTENTERROR("5.0.960", "4.0.960"),
	DELIVERED("2.0.0", "2.0.0"),
	EXCEEDLIMIT("5.0.923", "5.0.923"),
	EXPIRED("5.0.947", "4.0.947"),
	FEEDBACK("", ""),
	FILTERED("5.0.910", "4.0.924"),
	HASMOVED("5.0.916", "5.0.916"),
	HOSTUNKNOWN("5.0.912", "5.0.912"),
	MAILBOXFULL("5.0.922", "4.0.922"),
	MAILERERROR("5.0.939", "5.0.939"),
	MESGTOOBIG("5.0.934", "5.0.934"),
	NETWORKERROR("5.0.944", "4.0.944"),
	NORELAYING("5.0.909", "5.0.909"),
	NOTACCEPT("5.0.932", "4.0.932"),
	NOTCOMPLIANTRFC("5.0.974", "4.0.974"),
	ONHOLD("5.0.901", "4.0.901"),
	POLICYVIOLATION("5.0.972", "4.0.972"),
	REJECTED("5.0.918", "4.0.918"),
	REQUIREPTR("5.0.973", "4.0.973"),
	SECURITYERROR("5.0.970", "4.0.970"),
	SPAMDETECTED("5.0.980", "4.0.980"),
	SPEEDING("5.0.946", "4.0.946"),
	SUSPEND("5.0.921", "5.0.921"),
	SYNTAXERROR("5.0.902", "5.0.902"),
	SYSTEMERROR("5.0.930", "4.0.930"),
	SYSTEMFULL("5.0.931", "4.0.931"),
	TOOMANYCONN("5.0.945", "4.0.945"),
	UNDEFINED("5.0.900", "4.0.900"),
	USERUNKNOWN("5.0.911", "5.0.911"),
	VACATION("", ""),
	VIRUSDETECTED("5.0.971", "5.0.971");

	private final String permanentCode;

	private final String temporaryCode;

	Reason(String permanentCode, String temporaryCode) {
		this.permanentCode = permanentCode;
		this.temporaryCode = temporaryCode;
	}

	String pseudoStatus(boolean temporary) {
		return temporary ? this.temporaryCode : this.permanentCode;
	}

	/** Reasons that only say "we could not tell" and are worth a second look at the text. */
	boolean shouldBeRetried() {
		return this == UNDEFINED || this == ONHOLD || this == SYSTEMERROR || this == SECURITYERROR
				|| this == EXPIRED || this == NETWORKERROR || this == HOSTUNKNOWN || this == USERUNKNOWN;
	}

	boolean isExplicit() {
		return this != UNDEFINED && this != ONHOLD;
	}

	/** Only an unusable address (RFC 3463 X.1.1, X.1.2, X.1.6, null MX) is a hard bounce. */
	boolean isHard(String statusAndText) {
		return switch (this) {
			case USERUNKNOWN, HOSTUNKNOWN, HASMOVED -> true;
			case NOTACCEPT -> {
				if (statusAndText == null || statusAndText.isBlank()) {
					yield true;
				}
				String code = EnhancedStatus.find(statusAndText, "");
				if (code.isEmpty()) {
					code = EnhancedStatus.findReplyCode(statusAndText, "");
				}
				yield code.startsWith("5") || !SmtpText.isTemporary(statusAndText);
			}
			default -> false;
		};
	}

	BouncedRecipient.Category category(boolean hard) {
		return switch (this) {
			case USERUNKNOWN, HOSTUNKNOWN, HASMOVED -> BouncedRecipient.Category.USER_UNKNOWN;
			case NOTACCEPT -> hard ? BouncedRecipient.Category.USER_UNKNOWN : BouncedRecipient.Category.NETWORK;
			case MAILBOXFULL -> BouncedRecipient.Category.MAILBOX_FULL;
			case FILTERED, REJECTED, NORELAYING, POLICYVIOLATION, SECURITYERROR, SYNTAXERROR, SPEEDING,
					TOOMANYCONN -> BouncedRecipient.Category.POLICY;
			case BLOCKED, SPAMDETECTED, BADREPUTATION, REQUIREPTR -> BouncedRecipient.Category.SPAM_BLOCKED;
			case CONTENTERROR, MESGTOOBIG, EXCEEDLIMIT, VIRUSDETECTED, NOTCOMPLIANTRFC ->
				BouncedRecipient.Category.CONTENT_REJECTED;
			case AUTHFAILURE -> BouncedRecipient.Category.AUTH_FAILURE;
			case EXPIRED -> BouncedRecipient.Category.EXPIRED;
			case NETWORKERROR -> BouncedRecipient.Category.NETWORK;
			default -> BouncedRecipient.Category.OTHER;
		};
	}

	/** What RFC 3463 and its successors say a specific code means (sisimai's StandardCode table). */
	static Reason ofStatus(String status) {
		if (status == null || !EnhancedStatus.isValid(status)) {
			return null;
		}
		Reason standard = STANDARD.get(status);
		if (standard != null) {
			return standard;
		}
		for (Map.Entry<Pattern, Reason> e : MICROSOFT) {
			if (e.getKey().matcher(status).matches()) {
				return e.getValue();
			}
		}
		if (status.startsWith("5.1.") && status.length() > 6) {
			// vendor details of "bad destination address" (Microsoft's 5.1.351 and the like)
			return USERUNKNOWN;
		}
		return null;
	}

	/**
	 * Exchange Online's own detail codes (learn.microsoft.com, "Email non-delivery reports in
	 * Exchange Online"); no other system uses these numbers.
	 */
	private static final List<Map.Entry<Pattern, Reason>> MICROSOFT = List.of(
			Map.entry(Pattern.compile("[45]\\.4\\.312"), NETWORKERROR),
			Map.entry(Pattern.compile("[45]\\.4\\.316"), EXPIRED),
			Map.entry(Pattern.compile("4\\.7\\.[56]\\d\\d|4\\.7\\.8[5-9]\\d"), BLOCKED),
			Map.entry(Pattern.compile("5\\.0\\.350|5\\.6\\.11"), CONTENTERROR),
			Map.entry(Pattern.compile("5\\.7\\.12|5\\.7\\.124|5\\.7\\.13[3-6]|5\\.7\\.511"), REJECTED),
			Map.entry(Pattern.compile("5\\.7\\.50[1-3]"), SPAMDETECTED),
			Map.entry(Pattern.compile("5\\.7\\.50[45]"), FILTERED),
			Map.entry(Pattern.compile("5\\.7\\.50[67]|5\\.7\\.60[6-9]|5\\.7\\.6[1-4]\\d"), BLOCKED),
			Map.entry(Pattern.compile("5\\.7\\.508|5\\.7\\.7[0-4]\\d"), TOOMANYCONN),
			Map.entry(Pattern.compile("5\\.7\\.509"), AUTHFAILURE),
			Map.entry(Pattern.compile("5\\.7\\.510"), NOTACCEPT),
			Map.entry(Pattern.compile("5\\.7\\.512"), POLICYVIOLATION),
			Map.entry(Pattern.compile("5\\.7\\.57"), SECURITYERROR));

	private static final Map<String, Reason> STANDARD = Map.ofEntries(
			Map.entry("2.1.5", DELIVERED),
			Map.entry("4.1.6", HASMOVED), Map.entry("4.1.7", REJECTED), Map.entry("4.1.8", REJECTED),
			Map.entry("4.1.9", SYSTEMERROR), Map.entry("4.2.1", SUSPEND), Map.entry("4.2.2", MAILBOXFULL),
			Map.entry("4.2.3", EXCEEDLIMIT), Map.entry("4.2.4", FILTERED), Map.entry("4.3.1", SYSTEMFULL),
			Map.entry("4.3.2", NOTACCEPT), Map.entry("4.3.3", SYSTEMERROR), Map.entry("4.3.5", SYSTEMERROR),
			Map.entry("4.4.1", EXPIRED), Map.entry("4.4.2", NETWORKERROR), Map.entry("4.4.3", SYSTEMERROR),
			Map.entry("4.4.4", NETWORKERROR), Map.entry("4.4.5", SYSTEMFULL), Map.entry("4.4.6", NETWORKERROR),
			Map.entry("4.4.7", EXPIRED), Map.entry("4.4.8", NETWORKERROR), Map.entry("4.5.3", SYSTEMERROR),
			Map.entry("4.5.5", SYSTEMERROR), Map.entry("4.6.0", CONTENTERROR), Map.entry("4.6.2", CONTENTERROR),
			Map.entry("4.6.5", CONTENTERROR), Map.entry("4.7.1", BLOCKED), Map.entry("4.7.2", BLOCKED),
			Map.entry("4.7.5", SECURITYERROR), Map.entry("4.7.6", SECURITYERROR),
			Map.entry("4.7.7", SECURITYERROR), Map.entry("4.7.12", SECURITYERROR),
			Map.entry("4.7.15", SECURITYERROR), Map.entry("4.7.16", MESGTOOBIG),
			Map.entry("4.7.24", AUTHFAILURE), Map.entry("4.7.25", REQUIREPTR), Map.entry("4.7.26", AUTHFAILURE),
			Map.entry("5.1.0", USERUNKNOWN), Map.entry("5.1.1", USERUNKNOWN), Map.entry("5.1.2", HOSTUNKNOWN),
			Map.entry("5.1.3", USERUNKNOWN), Map.entry("5.1.4", FILTERED), Map.entry("5.1.6", HASMOVED),
			Map.entry("5.1.7", REJECTED), Map.entry("5.1.8", REJECTED), Map.entry("5.1.9", SYSTEMERROR),
			Map.entry("5.1.10", NOTACCEPT), Map.entry("5.2.0", FILTERED), Map.entry("5.2.1", FILTERED),
			Map.entry("5.2.2", MAILBOXFULL), Map.entry("5.2.3", EXCEEDLIMIT), Map.entry("5.2.4", FILTERED),
			Map.entry("5.3.0", SYSTEMERROR), Map.entry("5.3.1", SYSTEMFULL), Map.entry("5.3.2", NOTACCEPT),
			Map.entry("5.3.3", SYSTEMERROR), Map.entry("5.3.4", MESGTOOBIG), Map.entry("5.3.5", SYSTEMERROR),
			Map.entry("5.4.0", NETWORKERROR), Map.entry("5.4.3", SYSTEMERROR), Map.entry("5.4.4", HOSTUNKNOWN),
			Map.entry("5.5.2", SYNTAXERROR), Map.entry("5.5.3", TOOMANYCONN), Map.entry("5.5.4", SYSTEMERROR),
			Map.entry("5.5.5", SYSTEMERROR), Map.entry("5.5.6", SYNTAXERROR), Map.entry("5.6.0", CONTENTERROR),
			Map.entry("5.6.1", CONTENTERROR), Map.entry("5.6.2", CONTENTERROR), Map.entry("5.6.3", CONTENTERROR),
			Map.entry("5.6.5", CONTENTERROR), Map.entry("5.6.6", CONTENTERROR), Map.entry("5.6.7", CONTENTERROR),
			Map.entry("5.6.8", CONTENTERROR), Map.entry("5.6.9", CONTENTERROR), Map.entry("5.7.0", SECURITYERROR),
			Map.entry("5.7.1", SECURITYERROR), Map.entry("5.7.2", SECURITYERROR), Map.entry("5.7.3", SECURITYERROR),
			Map.entry("5.7.4", SECURITYERROR), Map.entry("5.7.5", SECURITYERROR), Map.entry("5.7.6", SECURITYERROR),
			Map.entry("5.7.7", SECURITYERROR), Map.entry("5.7.8", SECURITYERROR), Map.entry("5.7.9", SECURITYERROR),
			Map.entry("5.7.10", SECURITYERROR), Map.entry("5.7.11", SECURITYERROR), Map.entry("5.7.13", SUSPEND),
			Map.entry("5.7.14", SECURITYERROR), Map.entry("5.7.15", SECURITYERROR), Map.entry("5.7.16", MESGTOOBIG),
			Map.entry("5.7.17", HASMOVED), Map.entry("5.7.18", HASMOVED), Map.entry("5.7.19", SECURITYERROR),
			Map.entry("5.7.20", AUTHFAILURE), Map.entry("5.7.21", AUTHFAILURE), Map.entry("5.7.22", AUTHFAILURE),
			Map.entry("5.7.23", AUTHFAILURE), Map.entry("5.7.24", AUTHFAILURE), Map.entry("5.7.25", REQUIREPTR),
			Map.entry("5.7.26", AUTHFAILURE), Map.entry("5.7.27", NOTACCEPT));

}
