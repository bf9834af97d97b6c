package io.mailroom.smtp;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import org.subethamail.smtp.server.SMTPServer;

/** An in-process SubEthaSMTP server on a free loopback port that keeps what it receives. */
final class SubEthaServer implements AutoCloseable {

	record Received(String from, String recipient, byte[] data) {
	}

	private final SMTPServer server;

	private final List<Received> received = new CopyOnWriteArrayList<>();

	SubEthaServer(UnaryOperator<SMTPServer.Builder> configuration) {
		SMTPServer.Builder builder = SMTPServer.port(0)
			.bindAddress(InetAddress.getLoopbackAddress())
			.hostName("localhost")
			.messageHandler((context, from, to, data) -> received.add(new Received(from, to, data)));
		server = configuration.apply(builder).build();
		server.start();
	}

	int port() {
		return server.getPortAllocated();
	}

	List<Received> received() {
		return received;
	}

	@Override
	public void close() {
		server.stop();
	}

}
