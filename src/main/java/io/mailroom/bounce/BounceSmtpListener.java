package io.mailroom.bounce;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.mailroom.delivery.VerpAddress;
import io.mailroom.unsubscribe.UnsubscribeTokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The inbound SMTP listener ({@code mailroom.bounce.smtp.port}, off by default): the MX of the
 * bounce domain, or a relay's transport for it. It accepts mail for {@code bounces+<token>@} and
 * {@code bounces@} (bounces, delay notices, complaints, auto-replies: fed to
 * {@link InboundBounces} like {@code POST /inbound/bounces}) and for {@code unsubscribe+<token>@}
 * (RFC 2369 {@code mailto:} unsubscribes) on the bounce domain; any other recipient gets 550.
 */
@Component
class BounceSmtpListener implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(BounceSmtpListener.class);

	private final InboundBounces inbound;

	private final UnsubscribeTokens unsubscribeTokens;

	private final BounceProperties properties;

	private final String domain;

	private volatile SMTPServer server;

	BounceSmtpListener(InboundBounces inbound, UnsubscribeTokens unsubscribeTokens, VerpAddress verp,
			BounceProperties properties) {
		this.inbound = inbound;
		this.unsubscribeTokens = unsubscribeTokens;
		this.properties = properties;
		this.domain = verp.domain();
	}

	@Override
	public void start() {
		BounceProperties.Smtp smtp = properties.smtp();
		if (!smtp.enabled() || server != null) {
			return;
		}
		InetAddress bind;
		try {
			bind = InetAddress.getByName(smtp.bindAddress());
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException("mailroom.bounce.smtp.bind-address is not an address: " + smtp.bindAddress(),
					ex);
		}
		SMTPServer s = SMTPServer.port(smtp.port())
			.bindAddress(bind)
			.hostName(domain)
			.softwareName("mailroom")
			.maxMessageSize((int) properties.maxMessageSize().toBytes())
			.maxConnections(smtp.maxConnections())
			.maxRecipients(100)
			.connectionTimeout(2, TimeUnit.MINUTES)
			.messageHandlerFactory(Session::new)
			.build();
		s.start();
		server = s;
		log.info("Inbound SMTP listener for bounces on {}:{} (domain {})", smtp.bindAddress(), smtp.port(), domain);
	}

	@Override
	public void stop() {
		SMTPServer s = server;
		if (s != null) {
			s.stop();
			server = null;
		}
	}

	@Override
	public boolean isRunning() {
		return server != null;
	}

	/** One SMTP transaction. */
	private final class Session implements MessageHandler {

		private final List<String> bounceRecipients = new ArrayList<>();

		private final List<UUID> unsubscribes = new ArrayList<>();

		Session(MessageContext context) {
		}

		@Override
		public void from(String from) {
			// Bounces come from the null sender, complaints and auto-replies from anyone: all welcome.
		}

		@Override
		public void recipient(String recipient) throws RejectException {
			String address = recipient.trim();
			int at = address.lastIndexOf('@');
			if (at <= 0 || !address.substring(at + 1).equalsIgnoreCase(domain)) {
				throw noSuchMailbox(recipient);
			}
			String local = address.substring(0, at).toLowerCase(Locale.ROOT);
			if (local.equals("bounces") || local.startsWith("bounces+")) {
				// A forged token is accepted and stored as unmatched, not refused: refusing would
				// tell a prober which tokens are real.
				bounceRecipients.add(address);
				return;
			}
			if (local.startsWith("unsubscribe+")) {
				Optional<UUID> id = unsubscribeTokens.verify(local.substring("unsubscribe+".length()));
				if (id.isPresent()) {
					unsubscribes.add(id.get());
					return;
				}
			}
			throw noSuchMailbox(recipient);
		}

		@Override
		public String data(InputStream data) throws RejectException, IOException {
			byte[] raw = read(data);
			try {
				for (UUID id : unsubscribes) {
					inbound.unsubscribe(id);
				}
				if (!bounceRecipients.isEmpty()) {
					InboundBounces.Receipt receipt = inbound.receive(raw, InboundBounces.Source.SMTP,
							List.copyOf(bounceRecipients), false);
					return "2.0.0 accepted as " + receipt.id();
				}
				return null;
			}
			catch (RuntimeException ex) {
				// The database is away: the sending MTA keeps the message and tries again.
				log.warn("Could not take in an inbound message", ex);
				throw new RejectException(451, "4.3.0 Temporary failure, try again later");
			}
		}

		/** Reads the message, refusing (after reading it out) one larger than the limit. */
		private byte[] read(InputStream data) throws IOException, RejectException {
			long max = properties.maxMessageSize().toBytes();
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			byte[] buffer = new byte[64 * 1024];
			boolean tooLarge = false;
			int n;
			while ((n = data.read(buffer)) >= 0) {
				if (!tooLarge && out.size() + n > max) {
					tooLarge = true;
					out = null;
				}
				if (!tooLarge) {
					out.write(buffer, 0, n);
				}
			}
			if (tooLarge) {
				throw new RejectException(552, "5.3.4 Message too big: the limit is " + max + " bytes");
			}
			return out.toByteArray();
		}

		@Override
		public void done() {
		}

		private static RejectException noSuchMailbox(String recipient) {
			return new RejectException(550, "5.1.1 <" + recipient + ">: no such mailbox here");
		}

	}

}
