package io.mailroom.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.mailroom.delivery.FallbackRelay;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SMTP server on localhost that keeps what it receives in memory, so a person can look at the
 * mail mailroom sent ({@code /local/outbox}). It is the relay target of local runs.
 */
public class LocalCaptureServer implements FallbackRelay, AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(LocalCaptureServer.class);

	private final GreenMail greenMail;

	private final int port;

	LocalCaptureServer(int port) {
		this.greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
		this.greenMail.start();
		this.port = greenMail.getSmtp().getPort();
		log.info("SMTP capture server on 127.0.0.1:{}; see /local/outbox", this.port);
	}

	@Override
	public String host() {
		return "127.0.0.1";
	}

	@Override
	public int port() {
		return port;
	}

	List<MimeMessage> messages() {
		return List.of(greenMail.getReceivedMessages());
	}

	byte[] raw(MimeMessage message) throws IOException, MessagingException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		message.writeTo(out);
		return out.toByteArray();
	}

	@Override
	public void close() {
		greenMail.stop();
	}

}
