package io.mailroom.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.MessageHandlerFactory;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A real SMTP server (SubEthaSMTP) whose answers a test scripts: reject some recipients, defer
 * the first attempts, and record every message it accepted with its envelope.
 */
public class ScriptedSmtpServer implements AutoCloseable {

	/** What the server answers to one RCPT TO, given the address and how many RCPTs it has seen. */
	public interface RecipientPolicy {

		/** @return null to accept, or a reply such as {@code "550 5.1.1 no such user"} */
		String answer(String recipient, int rcptCount);

	}

	public record Received(String from, String recipient, byte[] data) {

		public String text() {
			return new String(data, java.nio.charset.StandardCharsets.UTF_8);
		}

	}

	private final List<Received> received = new CopyOnWriteArrayList<>();

	private final AtomicInteger rcptCount = new AtomicInteger();

	private final int port;

	private volatile RecipientPolicy policy = (r, n) -> null;

	private volatile Function<List<String>, String> dataPolicy = r -> null;

	private SMTPServer server;

	public ScriptedSmtpServer() {
		this(freePort());
	}

	public ScriptedSmtpServer(int port) {
		this.port = port;
	}

	public ScriptedSmtpServer policy(RecipientPolicy policy) {
		this.policy = policy;
		return this;
	}

	/** What the server answers after the data, given the transaction's recipients (null accepts). */
	public ScriptedSmtpServer dataPolicy(Function<List<String>, String> dataPolicy) {
		this.dataPolicy = dataPolicy;
		return this;
	}

	public synchronized ScriptedSmtpServer start() {
		if (server != null) {
			return this;
		}
		MessageHandlerFactory handlers = context -> new MessageHandler() {
			private String from;

			private final List<String> recipients = new java.util.ArrayList<>();

			@Override
			public void from(String from) {
				this.from = from;
			}

			@Override
			public void recipient(String recipient) throws RejectException {
				String answer = policy.answer(recipient, rcptCount.incrementAndGet());
				if (answer != null) {
					throw new RejectException(Integer.parseInt(answer.substring(0, 3)), answer.substring(4));
				}
				recipients.add(recipient);
			}

			@Override
			public String data(InputStream data) throws IOException, RejectException {
				ByteArrayOutputStream out = new ByteArrayOutputStream();
				data.transferTo(out);
				String answer = dataPolicy.apply(recipients);
				if (answer != null) {
					throw new RejectException(Integer.parseInt(answer.substring(0, 3)), answer.substring(4));
				}
				for (String recipient : recipients) {
					received.add(new Received(from, recipient, out.toByteArray()));
				}
				return null;
			}

			@Override
			public void done() {
			}
		};
		server = SMTPServer.port(port)
			.bindAddress(InetAddress.getLoopbackAddress())
			.messageHandlerFactory(handlers)
			.build();
		server.start();
		return this;
	}

	public int port() {
		return port;
	}

	public List<Received> received() {
		return received;
	}

	public int rcptCount() {
		return rcptCount.get();
	}

	@Override
	public synchronized void close() {
		if (server != null) {
			server.stop();
			server = null;
		}
	}

	public static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
