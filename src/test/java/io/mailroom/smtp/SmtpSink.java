package io.mailroom.smtp;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Postfix's {@code smtp-sink} on a free loopback port, started with {@code -c} so that its session
 * and message counters can be read.
 */
final class SmtpSink implements AutoCloseable {

	private static final Pattern COUNTERS = Pattern.compile("sess=(\\d+) quit=(\\d+) mesg=(\\d+)");

	private final Process process;

	private final int port;

	private volatile int sessions;

	private volatile int messages;

	private volatile int baseline;

	private SmtpSink(Process process, int port) {
		this.process = process;
		this.port = port;
		Thread reader = new Thread(this::readCounters, "smtp-sink-output");
		reader.setDaemon(true);
		reader.start();
	}

	static SmtpSink start(String... options) throws IOException {
		IOException last = null;
		// the free port may be taken between our probe and smtp-sink's bind: try a few
		for (int attempt = 0; attempt < 5; attempt++) {
			int port = freePort();
			List<String> command = new ArrayList<>();
			command.add(executable("smtp-sink"));
			if ("root".equals(System.getProperty("user.name"))) {
				command.add("-u");
				command.add("nobody");
			}
			command.add("-c");
			command.addAll(List.of(options));
			command.add("127.0.0.1:" + port);
			command.add("256");
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			SmtpSink sink = new SmtpSink(process, port);
			try {
				await().atMost(Duration.ofSeconds(10)).until(() -> sink.accepting() || !process.isAlive());
				if (process.isAlive()) {
					// our readiness probe was a session too; count from here
					await().atMost(Duration.ofSeconds(10)).until(() -> sink.sessions >= 1);
					sink.baseline = sink.sessions;
					return sink;
				}
				last = new IOException("smtp-sink exited with " + process.exitValue());
			}
			catch (RuntimeException ex) {
				sink.close();
				throw ex;
			}
		}
		throw last;
	}

	static String executable(String name) {
		for (String dir : List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin")) {
			Path path = Path.of(dir, name);
			if (Files.isExecutable(path)) {
				return path.toString();
			}
		}
		return name;
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private boolean accepting() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	int port() {
		return port;
	}

	/** Sessions that have ended, as smtp-sink counts them. */
	int sessions() {
		return sessions - baseline;
	}

	/** Messages received (final "." seen). */
	int messages() {
		return messages;
	}

	private void readCounters() {
		try (Reader in = new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII)) {
			StringBuilder line = new StringBuilder();
			int c;
			while ((c = in.read()) >= 0) {
				if (c == '\r' || c == '\n') {
					Matcher m = COUNTERS.matcher(line);
					if (m.find()) {
						sessions = Integer.parseInt(m.group(1));
						messages = Integer.parseInt(m.group(3));
					}
					line.setLength(0);
				}
				else if (line.length() < 1000) {
					line.append((char) c);
				}
			}
		}
		catch (IOException ex) {
			// process ended
		}
	}

	@Override
	public void close() {
		process.destroy();
		try {
			process.waitFor();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
