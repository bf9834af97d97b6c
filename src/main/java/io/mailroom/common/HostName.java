package io.mailroom.common;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** This machine's name, for defaults such as the bounce domain and the EHLO name. */
public final class HostName {

	private HostName() {
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
