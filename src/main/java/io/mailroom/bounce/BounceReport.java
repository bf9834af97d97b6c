package io.mailroom.bounce;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What one inbound bounce, delay notice, complaint or auto-reply says.
 *
 * @param type what kind of message it is
 * @param recipients one entry per recipient the message reports on, in the order given
 * @param originalMessageId the Message-ID of the message that bounced, without angle brackets,
 * when the bounce returns its headers; {@code null} otherwise
 * @param verpAddress the address the bounce was sent to (where a VERP token can be found;
 * a tagged "bounces+…@" address is preferred), else the report's Original-Envelope-Id, or
 * {@code null}
 * @param feedbackType the ARF Feedback-Type ({@code abuse}, {@code fraud}…) of a complaint, or
 * {@code null}
 */
public record BounceReport(Type type, List<BouncedRecipient> recipients, String originalMessageId,
		String verpAddress, String feedbackType) {

	public BounceReport {
		recipients = List.copyOf(recipients);
	}

	public enum Type {

		BOUNCE, DELAY, COMPLAINT, AUTO_REPLY, UNKNOWN;

		@JsonValue
		public String jsonName() {
			return name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

	}

}
