package io.mailroom.smtp;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.mailroom.smtp.SmtpConnectionPool.Destination;
import io.mailroom.smtp.SmtpConnectionPool.Lease;

/**
 * Throughput of our client through {@link SmtpConnectionPool}: K threads share K pooled sessions
 * and send N messages of about 2 KB. Run by bench/smtp/client-vs-smtp-source.sh; not a test.
 *
 * <p>Arguments: host port messages sessions payloadBytes [warmupMessages]
 */
public final class SmtpClientBenchmark {

	private SmtpClientBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		String host = args[0];
		int port = Integer.parseInt(args[1]);
		int messages = Integer.parseInt(args[2]);
		int sessions = Integer.parseInt(args[3]);
		int payload = Integer.parseInt(args[4]);
		int warmup = args.length > 5 ? Integer.parseInt(args[5]) : messages / 10;

		byte[] message = message(payload);
		Envelope envelope = new Envelope("bench@client.test", "sink@server.test");
		SmtpClientSettings settings = SmtpClientSettings.defaults("client.test").withTlsMode(TlsMode.NONE);
		Destination destination = new Destination(host, port, TlsMode.NONE);
		try (SmtpConnectionPool pool = new SmtpConnectionPool(settings,
				SmtpConnectionPool.Settings.defaults().withMaxConnectionsPerDestination(sessions))) {
			if (warmup > 0) {
				run(pool, destination, envelope, message, warmup, sessions);
			}
			long started = System.nanoTime();
			int failed = run(pool, destination, envelope, message, messages, sessions);
			double seconds = (System.nanoTime() - started) / 1e9;
			System.out.printf("mailroom client: %d messages of %d bytes over %d pooled sessions in %.2f s = %.0f msg/s"
					+ " (%d refused, after %d warm-up messages)%n", messages, message.length, sessions, seconds,
					messages / seconds, failed, warmup);
		}
	}

	private static int run(SmtpConnectionPool pool, Destination destination, Envelope envelope, byte[] message,
			int count, int sessions) throws InterruptedException {
		AtomicInteger remaining = new AtomicInteger(count);
		AtomicInteger failed = new AtomicInteger();
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < sessions; i++) {
			Thread thread = new Thread(() -> {
				while (remaining.getAndDecrement() > 0) {
					try (Lease lease = pool.borrow(destination)) {
						SmtpReply data = lease.connection().send(envelope, message).data();
						if (data == null || !data.isPositive()) {
							failed.incrementAndGet();
						}
					}
					catch (SmtpException ex) {
						failed.incrementAndGet();
						System.err.println(ex.getMessage());
					}
				}
			}, "bench-" + i);
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join();
		}
		return failed.get();
	}

	private static byte[] message(int payload) {
		StringBuilder text = new StringBuilder("From: bench@client.test\r\nTo: sink@server.test\r\n"
				+ "Subject: benchmark\r\nMessage-ID: <bench@client.test>\r\nMIME-Version: 1.0\r\n"
				+ "Content-Type: text/plain; charset=US-ASCII\r\n\r\n");
		String line = "The quick brown fox jumps over the lazy dog, again and again and again.\r\n";
		int written = 0;
		while (written + line.length() <= payload) {
			text.append(line);
			written += line.length();
		}
		text.append("x".repeat(Math.max(0, payload - written - 2))).append("\r\n");
		return text.toString().getBytes(StandardCharsets.US_ASCII);
	}

}
