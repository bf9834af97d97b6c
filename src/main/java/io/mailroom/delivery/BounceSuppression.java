package io.mailroom.delivery;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Where the suppression list learns of the permanent failures delivery records. Called inside the
 * transaction that records them, so a suppression exists if and only if its bounce committed. The
 * rules (hard bounces suppress, repeated soft ones suppress for a while) live behind it.
 */
public interface BounceSuppression {

	void bounced(List<Bounce> bounces, Instant now);

	/**
	 * @param email the recipient's address as it was sent to
	 * @param detail the reply text, kept as the suppression's explanation
	 */
	record Bounce(UUID recipientId, UUID messageId, String email, BounceClassification.Verdict verdict,
			String detail) {
	}

}
