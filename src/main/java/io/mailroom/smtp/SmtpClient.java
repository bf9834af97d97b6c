package io.mailroom.smtp;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.mailroom.smtp.MxResolver.MxHost;
import io.mailroom.smtp.MxResolver.MxRoute;
import io.mailroom.smtp.SmtpException.Kind;

/**
 * Opens SMTP sessions with one set of {@link SmtpClientSettings}. Immutable and thread-safe; the
 * sessions it opens are not.
 */
public final class SmtpClient {

	private final SmtpClientSettings settings;

	public SmtpClient(SmtpClientSettings settings) {
		this.settings = Objects.requireNonNull(settings, "settings");
	}

	public SmtpClientSettings settings() {
		return settings;
	}

	/**
	 * Connects, reads the greeting, sends EHLO (HELO when EHLO is refused), then STARTTLS and AUTH
	 * as the settings ask.
	 */
	public SmtpConnection connect(String host, int port) throws SmtpException {
		return SmtpConnection.open(settings, host, null, port);
	}

	/**
	 * Connects to an address already resolved (MX delivery), while {@code host} is still the name
	 * used for TLS SNI, certificate checks and messages.
	 */
	public SmtpConnection connect(String host, InetAddress address, int port) throws SmtpException {
		return SmtpConnection.open(settings, host, Objects.requireNonNull(address, "address"), port);
	}

	/**
	 * Connects to the first host of an MX route that will talk to us, trying every address of every
	 * host in order (RFC 5321 §5.1): a refused or failed connection, a timeout, a TLS failure or a
	 * greeting other than 220 moves on to the next. AUTH and local refusals stop the search.
	 *
	 * @throws SmtpException the last host's failure, the earlier ones attached as suppressed; a
	 * route that is not deliverable gives {@link Kind#PERMANENT} with {@link MxRoute#failureReply()}
	 */
	public SmtpConnection connect(MxRoute route, int port) throws SmtpException {
		if (!route.isDeliverable()) {
			SmtpReply reply = route.failureReply();
			throw new SmtpException(Kind.PERMANENT, reply.text(), reply, "* " + reply + "\n", null);
		}
		List<SmtpException> failures = new ArrayList<>();
		for (MxHost host : route.hosts()) {
			for (InetAddress address : host.addresses()) {
				try {
					return connect(host.name(), address, port);
				}
				catch (SmtpException ex) {
					if (ex.kind() == Kind.AUTH || ex.kind() == Kind.PERMANENT) {
						throw ex;
					}
					failures.add(ex);
				}
			}
		}
		SmtpException last = failures.get(failures.size() - 1);
		StringBuilder transcript = new StringBuilder();
		for (SmtpException failure : failures) {
			transcript.append(failure.transcript());
		}
		SmtpException all = new SmtpException(last.kind(),
				"no MX host of " + route.domain() + " accepted a session (" + failures.size() + " tried); last: "
						+ last.getMessage(),
				last.reply(), transcript.toString(), last);
		failures.subList(0, failures.size() - 1).forEach(all::addSuppressed);
		throw all;
	}

}
