package io.mailroom.smtp;

/**
 * The conversation as stored with a delivery attempt: {@code C: } and {@code S: } lines, notes
 * starting with {@code * }. Message bodies and AUTH data never get here; the size is bounded so a
 * chatty server cannot make an attempt record huge.
 */
final class Transcript {

	static final int MAX_CHARS = 32 * 1024;

	private final StringBuilder text = new StringBuilder(256);

	private boolean truncated;

	void client(String command) {
		append("C: ", command);
	}

	void server(String line) {
		append("S: ", line);
	}

	void note(String note) {
		append("* ", note);
	}

	void append(Transcript other) {
		if (!other.text.isEmpty()) {
			append("", other.text.substring(0, other.text.length() - 1));
		}
	}

	private void append(String prefix, String line) {
		if (truncated) {
			return;
		}
		if (text.length() + prefix.length() + line.length() > MAX_CHARS) {
			text.append("* transcript truncated\n");
			truncated = true;
			return;
		}
		text.append(prefix);
		for (int i = 0; i < line.length(); i++) {
			char c = line.charAt(i);
			// keep one transcript line per protocol line whatever the server sends
			text.append((c < ' ' && c != '\n' && c != '\t') || c == 127 ? '?' : c);
		}
		text.append('\n');
	}

	@Override
	public String toString() {
		return text.toString();
	}

}
