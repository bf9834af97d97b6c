package io.mailroom.message;

import java.util.Locale;

/** Claim order: high before normal before low (the stored value is the sort key). */
public enum Priority {

	HIGH(0), NORMAL(1), LOW(2);

	private final int rank;

	Priority(int rank) {
		this.rank = rank;
	}

	public int rank() {
		return rank;
	}

	public static Priority parse(String text) {
		return valueOf(text.toUpperCase(Locale.ROOT));
	}

	public static Priority ofRank(int rank) {
		for (Priority p : values()) {
			if (p.rank == rank) {
				return p;
			}
		}
		throw new IllegalArgumentException("no priority " + rank);
	}

	public String label() {
		return name().toLowerCase(Locale.ROOT);
	}

}
