package io.mailroom.message;

import java.util.UUID;

import io.mailroom.common.Ids;

/** The public form of message ids ({@code msg_…}). */
public final class Messages {

	private Messages() {
	}

	public static String publicId(UUID id) {
		return Ids.format("msg", id);
	}

	public static UUID parseId(String text) {
		return Ids.parse("msg", text);
	}

}
