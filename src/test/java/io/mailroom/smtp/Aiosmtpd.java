package io.mailroom.smtp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Debian's python3-aiosmtpd on a free loopback port (script: src/test/resources/smtp). */
final class Aiosmtpd implements AutoCloseable {

	record Received(String mailFrom, List<String> recipients, List<String> mailParameters, byte[] data) {
	}

	private final Process process;

	private final int port;

	private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

	private Aiosmtpd(Process process, int port) {
		this.process = process;
		this.port = port;
	}

	static Aiosmtpd start(long sizeLimit, boolean smtpUtf8) throws Exception {
		return start(sizeLimit, smtpUtf8, "");
	}

	/** A server that announces STARTTLS but answers it with 454. */
	static Aiosmtpd startRefusingTls() throws Exception {
		return start(1_000_000, false, "starttls-454");
	}

	private static Aiosmtpd start(long sizeLimit, boolean smtpUtf8, String mode) throws Exception {
		Path script = script();
		int port = SmtpSink.freePort();
		Process process = new ProcessBuilder("/usr/bin/python3", script.toString(), String.valueOf(port),
				String.valueOf(sizeLimit), smtpUtf8 ? "1" : "0", mode)
			.redirectError(ProcessBuilder.Redirect.INHERIT)
			.start();
		Aiosmtpd server = new Aiosmtpd(process, port);
		BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		String first = out.readLine();
		if (!"READY".equals(first)) {
			server.close();
			throw new IOException("aiosmtpd did not start: " + first);
		}
		Thread reader = new Thread(() -> server.readRecords(out), "aiosmtpd-output");
		reader.setDaemon(true);
		reader.start();
		return server;
	}

	private static Path script() throws URISyntaxException {
		return Path.of(Aiosmtpd.class.getResource("/smtp/aiosmtpd_server.py").toURI());
	}

	private void readRecords(BufferedReader out) {
		try {
			String line;
			while ((line = out.readLine()) != null) {
				String[] fields = line.split("\t", -1);
				received.add(new Received(fields[0], List.of(fields[1].split(",")),
						fields[2].isEmpty() ? List.of() : List.of(fields[2].split(" ")),
						Base64.getDecoder().decode(fields[3])));
			}
		}
		catch (IOException ex) {
			// process ended
		}
	}

	int port() {
		return port;
	}

	/** The next message the server accepted, waiting a few seconds for it. */
	Received nextMessage() throws InterruptedException {
		Received next = received.poll(10, TimeUnit.SECONDS);
		if (next == null) {
			throw new AssertionError("aiosmtpd received no message");
		}
		return next;
	}

	boolean receivedNothing() {
		return received.isEmpty();
	}

	@Override
	public void close() {
		try {
			process.getOutputStream().close();
			if (!process.waitFor(5, TimeUnit.SECONDS)) {
				process.destroy();
			}
		}
		catch (IOException ex) {
			process.destroy();
		}
		catch (InterruptedException ex) {
			process.destroy();
			Thread.currentThread().interrupt();
		}
	}

}
