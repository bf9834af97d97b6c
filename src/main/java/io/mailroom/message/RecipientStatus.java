package io.mailroom.message;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;

/**
 * Where a recipient stands. The declaration order is "how far along": a message's own status is
 * the least advanced of its recipients'.
 */
public enum RecipientStatus {

	SCHEDULED, QUEUED, DEFERRED, SENDING, FAILED, BOUNCED, SUPPRESSED, CANCELLED, DELIVERED;

	public String label() {
		return name().toLowerCase(Locale.ROOT);
	}

	public static RecipientStatus parse(String label) {
		return valueOf(label.toUpperCase(Locale.ROOT));
	}

	public boolean isFinal() {
		return ordinal() >= FAILED.ordinal();
	}

	public boolean isCancellable() {
		return this == SCHEDULED || this == QUEUED || this == DEFERRED;
	}

	public static RecipientStatus summary(Collection<RecipientStatus> statuses) {
		return statuses.stream().min(Comparator.naturalOrder()).orElse(QUEUED);
	}

}
