package io.mailroom.hostile;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.mailroom.smtp.Envelope;
import io.mailroom.smtp.SmtpClient;
import io.mailroom.smtp.SmtpClientSettings;
import io.mailroom.smtp.SmtpConnection;
import io.mailroom.smtp.SmtpException;
import io.mailroom.smtp.SmtpTimeouts;
import io.mailroom.smtp.TlsMode;
import io.mailroom.smtp.TransactionResult;
import io.mailroom.support.ScriptedSmtpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.mailroom.hostile.HostileSmtpServer.silence;
import static io.mailroom.hostile.HostileSmtpServer.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Our SMTP client against servers that misbehave on purpose. Each case must end in a clean
 * {@link SmtpException} within a bounded time (the stage timeouts here are 1 s), and the same client
 * must then deliver to a sound server as if nothing had happened. Over-long reply lines, a server
 * that hangs up without a reply and a stalled body are covered in the smtp package's own tests.
 */
class HostileSmtpServerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(1);

	/** What any of these cases may take at most: a few timeouts, not the RFC's minutes. */
	private static final Duration BOUND = Duration.ofSeconds(8);

	private final SmtpClient client = new SmtpClient(SmtpClientSettings.defaults("client.test")
		.withTlsMode(TlsMode.NONE)
		.withTimeouts(SmtpTimeouts.uniform(TIMEOUT)));

	@AfterEach
	void theSameClientThenDeliversToASoundServer() throws Exception {
		try (ScriptedSmtpServer server = new ScriptedSmtpServer().start();
				SmtpConnection connection = client.connect("localhost", InetAddress.getLoopbackAddress(),
						server.port())) {
			TransactionResult result = connection.send(new Envelope("s@example.com", "after@example.com"),
					message("after"));
			assertThat(result.data().code()).isEqualTo(250);
			assertThat(server.received()).extracting(ScriptedSmtpServer.Received::recipient).contains("after@example.com");
		}
	}

	@Test
	void endlessMultiLineReplyIsCutOffAfterAFewLines() throws Exception {
		try (HostileSmtpServer hostile = new HostileSmtpServer((in, out) -> {
			write(out, "220 hostile ESMTP\r\n");
			in.readLine();
			while (true) {
				write(out, "250-PIPELINING and then some more words to make the line long\r\n");
			}
		})) {
			assertCleanFailure(hostile, SmtpException.Kind.PROTOCOL);
		}
	}

	@Test
	void dripFedEndlessMultiLineReplyEndsAtTheReplyTimeoutOrTheLineLimit() throws Exception {
		// Every line arrives well within the read timeout: the reply as a whole must still end.
		try (HostileSmtpServer hostile = new HostileSmtpServer((in, out) -> {
			write(out, "220 hostile ESMTP\r\n");
			in.readLine();
			while (true) {
				write(out, "250-still talking\r\n");
				Thread.sleep(20);
			}
		})) {
			assertCleanFailure(hostile, null);
		}
	}

	@Test
	void dripFedReplyLineThatNeverEndsTimesOut() throws Exception {
		// One byte every half timeout: a per-read timeout alone would wait for 2 KB of them.
		try (HostileSmtpServer hostile = new HostileSmtpServer((in, out) -> {
			write(out, "220 hostile ESMTP\r\n");
			in.readLine();
			write(out, "250-");
			while (true) {
				Thread.sleep(TIMEOUT.toMillis() / 2);
				write(out, "x");
			}
		})) {
			assertCleanFailure(hostile, null);
		}
	}

	@Test
	void serverThatHangsUpInTheMiddleOfAReplyIsAConnectionFailure() throws Exception {
		try (HostileSmtpServer hostile = new HostileSmtpServer((in, out) -> {
			write(out, "220 hostile ESMTP\r\n");
			in.readLine();
			write(out, "250-hostile greets you\r\n250-PIPEL");
		})) {
			assertCleanFailure(hostile, null);
		}
	}

	@Test
	void serverThatFallsSilentInTheMiddleOfAReplyTimesOut() throws Exception {
		try (HostileSmtpServer hostile = new HostileSmtpServer((in, out) -> {
			write(out, "220 hostile ESMTP\r\n");
			in.readLine();
			write(out, "250-hostile greets you\r\n250-PIPEL");
			silence(in);
		})) {
			assertCleanFailure(hostile, SmtpException.Kind.TIMEOUT);
		}
	}

	@Test
	void greetingThatNeverComesTimesOut() throws Exception {
		try (HostileSmtpServer hostile = new HostileSmtpServer((in, out) -> silence(in))) {
			assertCleanFailure(hostile, SmtpException.Kind.TIMEOUT);
		}
	}

	@Test
	void garbageInsteadOfATlsHandshakeFailsTls() throws Exception {
		try (HostileSmtpServer hostile = startTlsThen((in, out) -> {
			write(out, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n\u0000\u00ff\u00fe garbage garbage\r\n");
			silence(in);
		})) {
			assertCleanFailure(hostile, client(TlsMode.STARTTLS_REQUIRED), SmtpException.Kind.TLS);
			assertCleanFailure(hostile, client(TlsMode.STARTTLS_OPPORTUNISTIC), null);
		}
	}

	@Test
	void silenceInsteadOfATlsHandshakeTimesOut() throws Exception {
		try (HostileSmtpServer hostile = startTlsThen((in, out) -> silence(in))) {
			assertCleanFailure(hostile, client(TlsMode.STARTTLS_REQUIRED), null);
		}
	}

	@Test
	void fiveGigabyteSizeClaimIsJustALimitWeAreFarBelow() throws Exception {
		try (Aiosmtpd server = Aiosmtpd.start(5L * 1024 * 1024 * 1024)) {
			try (SmtpConnection connection = client.connect("localhost", InetAddress.getLoopbackAddress(), server.port)) {
				TransactionResult result = connection.send(new Envelope("s@example.com", "r@example.com"),
						message("size"));
				assertThat(result.data().code()).isEqualTo(250);
				assertThat(result.transcript()).contains("SIZE 5368709120").containsPattern("MAIL FROM:<s@example.com> SIZE=\\d+");
			}
		}
	}

	private HostileSmtpServer startTlsThen(HostileSmtpServer.Behaviour afterStartTls) throws IOException {
		return new HostileSmtpServer((in, out) -> {
			write(out, "220 hostile ESMTP\r\n");
			in.readLine();
			write(out, "250-hostile\r\n250-STARTTLS\r\n250 8BITMIME\r\n");
			String command = in.readLine();
			if (command != null && command.equalsIgnoreCase("STARTTLS")) {
				write(out, "220 2.0.0 Ready to start TLS\r\n");
				afterStartTls.serve(in, out);
			}
		});
	}

	private SmtpClient client(TlsMode mode) {
		return new SmtpClient(client.settings().withTlsMode(mode));
	}

	private void assertCleanFailure(HostileSmtpServer hostile, SmtpException.Kind kind) {
		assertCleanFailure(hostile, client, kind);
	}

	private void assertCleanFailure(HostileSmtpServer hostile, SmtpClient client, SmtpException.Kind kind) {
		long started = System.nanoTime();
		assertThatThrownBy(() -> {
			try (SmtpConnection connection = client.connect("localhost", InetAddress.getLoopbackAddress(),
					hostile.port())) {
				connection.send(new Envelope("s@example.com", "r@example.com"), message("hostile"));
			}
		}).isInstanceOfSatisfying(SmtpException.class, ex -> {
			if (kind != null) {
				assertThat(ex.kind()).as(ex.getMessage()).isEqualTo(kind);
			}
			assertThat(ex.isTransient()).as("a broken server is a reason to retry later: " + ex.getMessage()).isTrue();
		});
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(BOUND);
	}

	private static byte[] message(String subject) {
		return ("From: s@example.com\r\nTo: r@example.com\r\nSubject: " + subject + "\r\nMessage-ID: <" + subject
				+ "@example.com>\r\n\r\nHello.\r\n").getBytes(StandardCharsets.UTF_8);
	}

	/** Debian's python3-aiosmtpd, a real server announcing a SIZE limit (script shared with the smtp tests). */
	private record Aiosmtpd(Process process, int port) implements AutoCloseable {

		static Aiosmtpd start(long sizeLimit) throws IOException, URISyntaxException {
			int port = ScriptedSmtpServer.freePort();
			Path script = Path.of(HostileSmtpServerTests.class.getResource("/smtp/aiosmtpd_server.py").toURI());
			Process process = new ProcessBuilder("/usr/bin/python3", script.toString(), String.valueOf(port),
					String.valueOf(sizeLimit), "0")
				.redirectError(ProcessBuilder.Redirect.INHERIT)
				.start();
			String first = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
				.readLine();
			if (!"READY".equals(first)) {
				process.destroy();
				throw new IOException("aiosmtpd did not start: " + first);
			}
			return new Aiosmtpd(process, port);
		}

		@Override
		public void close() throws Exception {
			process.getOutputStream().close();
			if (!process.waitFor(5, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
		}

	}

}
