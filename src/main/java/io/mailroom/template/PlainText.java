package io.mailroom.template;

/** Layout clean-up of a plain-text part, whichever way it was produced. */
final class PlainText {

	private PlainText() {
	}

	/**
	 * Trailing spaces removed (they would be lost or mangled in transit anyway), at most one blank
	 * line in a row (template directives leave empty lines behind), one final newline.
	 */
	static String tidy(String text) {
		String[] lines = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
		StringBuilder out = new StringBuilder(text.length());
		int blank = 0;
		for (String line : lines) {
			String l = line.stripTrailing();
			if (l.isEmpty()) {
				blank++;
				continue;
			}
			if (out.length() > 0) {
				out.append(blank > 0 ? "\n\n" : "\n");
			}
			blank = 0;
			out.append(l);
		}
		return out.append('\n').toString();
	}

}
