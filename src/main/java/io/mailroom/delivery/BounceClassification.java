package io.mailroom.delivery;

/**
 * Decides what a permanent SMTP failure means for the address: {@code hard} where the address
 * itself is bad (it is then suppressed), {@code soft} otherwise, with a category.
 */
public interface BounceClassification {

	Verdict classify(int replyCode, String enhancedCode, String text);

	/** @param kind {@code hard} or {@code soft}; @param category e.g. {@code user-unknown} */
	record Verdict(String kind, String category) {

		public boolean hard() {
			return "hard".equals(kind);
		}

	}

}
