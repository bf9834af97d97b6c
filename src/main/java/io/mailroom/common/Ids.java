package io.mailroom.common;

import java.util.UUID;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;

/**
 * Identifiers. Rows get UUIDv7 keys generated here rather than database sequences or identity
 * columns: they sort by creation time (good for index locality and keyset pagination) and let a
 * whole batch of rows be inserted in one JDBC batch.
 */
public final class Ids {

	private static final TimeBasedEpochGenerator GENERATOR = Generators.timeBasedEpochGenerator();

	private Ids() {
	}

	public static UUID next() {
		return GENERATOR.generate();
	}

	/** The public form of an id: a prefix such as {@code msg} and the UUID without dashes. */
	public static String format(String prefix, UUID id) {
		return prefix + "_" + id.toString().replace("-", "");
	}

	/**
	 * Parses {@link #format(String, UUID)}'s output.
	 * @throws IllegalArgumentException when the text is not such an id
	 */
	public static UUID parse(String prefix, String text) {
		String expected = prefix + "_";
		if (text == null || !text.startsWith(expected) || text.length() != expected.length() + 32) {
			throw new IllegalArgumentException("not a " + prefix + " id: " + text);
		}
		String hex = text.substring(expected.length());
		if (!hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
			throw new IllegalArgumentException("not a " + prefix + " id: " + text);
		}
		return UUID.fromString(hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
				+ hex.substring(16, 20) + "-" + hex.substring(20));
	}

}
