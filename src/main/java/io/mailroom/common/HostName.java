package io.mailroom.common;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** This machine's name, for defaults such as the bounce domain and the EHLO name. */
public final class HostName {

	private HostName() {
	}

	/**
	 * A domain for default addresses: the host name when it is fully qualified, else the host
	 * name under {@code .localdomain} (a dotless name is not a valid mail domain).
	 */
	public static String domain() {
		String name = local();
		return name.contains(".") ? name : name + ".localdomain";
	}

	public static String local() {
		try {
			String name = InetAddress.getLocalHost().getCanonicalHostName();
			return name == null || name.isBlank() ? "localhost" : name;
		}
		catch (UnknownHostException ex) {
			return "localhost";
		}
	}

}
