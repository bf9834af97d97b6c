package io.mailroom.smtp;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's dnsmasq as the authoritative server for ".test" on a free loopback port, answering only
 * from the records given on its command line.
 */
final class Dnsmasq implements AutoCloseable {

	private final Process process;

	private final int port;

	private Dnsmasq(Process process, int port) {
		this.process = process;
		this.port = port;
	}

	/** {@code records} are dnsmasq options such as {@code --mx-host=example.test,mx.example.test,10}. */
	static Dnsmasq start(String... records) throws IOException {
		int port = SmtpSink.freePort();
		List<String> command = new ArrayList<>(List.of(SmtpSink.executable("dnsmasq"), "--no-daemon",
				"--conf-file=/dev/null", "--port=" + port, "--listen-address=127.0.0.1", "--bind-interfaces",
				"--no-resolv", "--no-hosts", "--pid-file=", "--local=/test/", "--log-facility=-"));
		if ("root".equals(System.getProperty("user.name"))) {
			command.add("--user=root");
		}
		command.addAll(List.of(records));
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		Dnsmasq server = new Dnsmasq(process, port);
		await().atMost(Duration.ofSeconds(10)).until(() -> server.answers() || !process.isAlive());
		if (!process.isAlive()) {
			throw new IOException("dnsmasq exited with " + process.exitValue());
		}
		return server;
	}

	int port() {
		return port;
	}

	// any reply to a query (even REFUSED) shows that dnsmasq is listening
	private boolean answers() {
		byte[] query = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1 };
		try (DatagramSocket socket = new DatagramSocket()) {
			socket.setSoTimeout(200);
			socket.send(new DatagramPacket(query, query.length, InetAddress.getLoopbackAddress(), port));
			socket.receive(new DatagramPacket(new byte[512], 512));
			return true;
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (IOException ex) {
			return false;
		}
	}

	@Override
	public void close() {
		process.destroy();
		try {
			process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
