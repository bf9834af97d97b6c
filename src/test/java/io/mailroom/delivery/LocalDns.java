package io.mailroom.delivery;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mailroom.support.ScriptedSmtpServer;

import static org.awaitility.Awaitility.await;

/**
 * Debian's dnsmasq as the only DNS server for ".test", on a free loopback port, answering from the
 * records given on its command line (as the SMTP client's own tests run it).
 */
final class LocalDns implements AutoCloseable {

	private final Process process;

	private final int port;

	private LocalDns(Process process, int port) {
		this.process = process;
		this.port = port;
	}

	/** {@code records} are dnsmasq options such as {@code --mx-host=example.test,mx.example.test,10}. */
	static LocalDns start(String... records) {
		int port = ScriptedSmtpServer.freePort();
		List<String> command = new ArrayList<>(List.of(executable("dnsmasq"), "--no-daemon", "--conf-file=/dev/null",
				"--port=" + port, "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
				"--pid-file=", "--local=/test/", "--log-facility=-"));
		if ("root".equals(System.getProperty("user.name"))) {
			command.add("--user=root");
		}
		command.addAll(List.of(records));
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			LocalDns server = new LocalDns(process, port);
			await().atMost(Duration.ofSeconds(10)).until(() -> server.answers() || !process.isAlive());
			if (!process.isAlive()) {
				throw new IllegalStateException("dnsmasq exited with " + process.exitValue());
			}
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException("dnsmasq could not be started (.ci/install-test-tools installs it)", ex);
		}
	}

	int port() {
		return port;
	}

	/** {@code mailroom.relay.dns-server}. */
	String address() {
		return "127.0.0.1:" + port;
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
		catch (IOException ex) {
			return false;
		}
	}

	private static String executable(String name) {
		for (String dir : List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin")) {
			Path path = Path.of(dir, name);
			if (Files.isExecutable(path)) {
				return path.toString();
			}
		}
		return name;
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
