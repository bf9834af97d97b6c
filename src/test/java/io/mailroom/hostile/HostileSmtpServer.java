package io.mailroom.hostile;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A misbehaving SMTP server under a test's control: each accepted connection is handed to a
 * {@link Behaviour} that writes what a broken or malicious server would. It does not pretend to be a
 * working server; tests use real ones (SubEthaSMTP, aiosmtpd) for that.
 */
final class HostileSmtpServer implements AutoCloseable {

	interface Behaviour {

		void serve(BufferedReader in, OutputStream out) throws Exception;

	}

	private final ServerSocket server;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private final AtomicInteger connections = new AtomicInteger();

	private volatile Behaviour behaviour;

	HostileSmtpServer(Behaviour behaviour) throws IOException {
		this.behaviour = behaviour;
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(this::acceptLoop, "hostile-smtp-" + server.getLocalPort());
		acceptor.setDaemon(true);
		acceptor.start();
	}

	int port() {
		return server.getLocalPort();
	}

	int connections() {
		return connections.get();
	}

	void behaviour(Behaviour behaviour) {
		this.behaviour = behaviour;
	}

	private void acceptLoop() {
		while (!server.isClosed()) {
			try {
				Socket socket = server.accept();
				connections.incrementAndGet();
				sockets.add(socket);
				Behaviour current = behaviour;
				Thread session = new Thread(() -> serve(socket, current), "hostile-smtp-session");
				session.setDaemon(true);
				session.start();
			}
			catch (IOException ex) {
				return; // closed
			}
		}
	}

	private void serve(Socket socket, Behaviour current) {
		try (socket) {
			current.serve(new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1)),
					socket.getOutputStream());
		}
		catch (Exception ex) {
			// the client gave up on us: that is the point
		}
	}

	static void write(OutputStream out, String text) throws IOException {
		out.write(text.getBytes(StandardCharsets.ISO_8859_1));
		out.flush();
	}

	/** Holds the connection open, saying nothing, until the client leaves or the test ends. */
	static void silence(BufferedReader in) throws IOException {
		while (in.read() >= 0) {
			// discard what the client sends
		}
	}

	@Override
	public void close() throws IOException {
		server.close();
		for (Socket socket : sockets) {
			socket.close();
		}
	}

}
