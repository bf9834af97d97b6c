package io.mailroom.bounce;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * One recipient a bounce reports on.
 *
 * @param email the failed address as the bounce gives it
 * @param action RFC 3464 action: {@code failed}, {@code delayed}, {@code delivered},
 * {@code relayed} or {@code expanded}
 * @param status RFC 3463 enhanced status code; when the bounce has none, a code inferred from
 * its text (sisimai's "x.0.9yy" codes name the inferred reason)
 * @param replyCode the SMTP reply code ("550"), or "" when the bounce gives none
 * @param diagnostic the remote server's reply or the bounce's explanation, white space collapsed
 * @param remoteMta the host that refused the message, or "" when unknown
 * @param kind whether the address itself is unusable ({@link Kind#HARD})
 * @param category what went wrong, coarser than the status code
 */
public record BouncedRecipient(String email, String action, String status, String replyCode, String diagnostic,
		String remoteMta, Kind kind, Category category) {

	/** Whether this recipient failed for good (status class 5) rather than being delayed. */
	public boolean permanent() {
		return this.status != null && this.status.startsWith("5");
	}

	/**
	 * Hard bounces mean the address cannot receive mail (unknown user or domain, mailbox moved)
	 * and should be suppressed; soft ones (policy, content, full mailbox…) say nothing about it.
	 */
	public enum Kind {

		HARD, SOFT;

		@JsonValue
		public String jsonName() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	public enum Category {

		USER_UNKNOWN, MAILBOX_FULL, POLICY, SPAM_BLOCKED, CONTENT_REJECTED, AUTH_FAILURE, EXPIRED, NETWORK, OTHER;

		@JsonValue
		public String jsonName() {
			return name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

	}

}
