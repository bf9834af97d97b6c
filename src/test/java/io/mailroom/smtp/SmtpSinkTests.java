package io.mailroom.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mailroom.smtp.SmtpException.Kind;

/** The client against Postfix's smtp-sink, with and without pipelining and with injected failures. */
class SmtpSinkTests {

	private static final Envelope THREE_RECIPIENTS = new Envelope("sender@example.com", "a@example.com",
			"b@example.com", "c@example.com");

	private final SmtpClient client = new SmtpClient(SmtpClientSettings.defaults("client.test")
		.withTlsMode(TlsMode.NONE)
		.withTimeouts(SmtpTimeouts.uniform(Duration.ofSeconds(10))));

	private static byte[] message() {
		return SmtpConnectionTests.message("sink", "hello\r\n");
	}

	@Test
	void pipelinedTransactionSendsEveryCommandBeforeReadingAReply() throws Exception {
		try (SmtpSink sink = SmtpSink.start(); SmtpConnection connection = client.connect("127.0.0.1", sink.port())) {
			assertThat(connection.extensions()).contains("PIPELINING", "ENHANCEDSTATUSCODES", "8BITMIME");

			TransactionResult result = connection.send(THREE_RECIPIENTS, message());

			assertThat(result.mail().enhancedCode()).isEqualTo("2.1.0");
			assertThat(result.recipients()).extracting(r -> r.reply().enhancedCode()).containsOnly("2.1.5");
			assertThat(result.data().code()).isEqualTo(250);
			assertThat(result.transcript()).containsSubsequence("C: MAIL FROM:<sender@example.com>",
					"C: RCPT TO:<a@example.com>", "C: RCPT TO:<b@example.com>", "C: RCPT TO:<c@example.com>",
					"C: DATA\nS: 250 2.1.0");
		}
	}

	@Test
	void withoutPipeliningEachCommandWaitsForItsReply() throws Exception {
		try (SmtpSink sink = SmtpSink.start("-p"); SmtpConnection connection = client.connect("127.0.0.1", sink.port())) {
			assertThat(connection.extensions()).doesNotContain("PIPELINING");

			TransactionResult result = connection.send(THREE_RECIPIENTS, message());

			assertThat(result.data().code()).isEqualTo(250);
			assertThat(result.transcript()).contains("C: MAIL FROM:<sender@example.com>\nS: 250 2.1.0 Ok\n"
					+ "C: RCPT TO:<a@example.com>\nS: 250 2.1.5 Ok\n");
		}
	}

	@Test
	void refusedRecipientsAreResultsNotExceptions() throws Exception {
		try (SmtpSink sink = SmtpSink.start("-r", "RCPT");
				SmtpConnection connection = client.connect("127.0.0.1", sink.port())) {
			TransactionResult result = connection.send(THREE_RECIPIENTS, message());

			assertThat(result.recipients()).extracting(r -> r.reply().code()).containsOnly(450);
			assertThat(result.data()).isNull();
			assertThat(result.outcomeFor("a@example.com").enhancedCode()).isEqualTo("4.3.0");
			assertThat(connection.isOpen()).isTrue();
		}
	}

	@Test
	void refusedMailFromDecidesEveryRecipient() throws Exception {
		try (SmtpSink sink = SmtpSink.start("-f", "MAIL");
				SmtpConnection connection = client.connect("127.0.0.1", sink.port())) {
			TransactionResult result = connection.send(THREE_RECIPIENTS, message());

			assertThat(result.mail().code()).isEqualTo(500);
			assertThat(result.outcomeFor("c@example.com").isPermanentFailure()).isTrue();
			assertThat(result.transcript()).doesNotContain("RCPT TO");
		}
	}

	@Test
	void refusedDataIsTheOutcomeOfAcceptedRecipients() throws Exception {
		try (SmtpSink sink = SmtpSink.start("-f", "DATA");
				SmtpConnection connection = client.connect("127.0.0.1", sink.port())) {
			TransactionResult result = connection.send(THREE_RECIPIENTS, message());

			assertThat(result.recipients()).extracting(r -> r.reply().code()).containsOnly(250);
			assertThat(result.data().code()).isEqualTo(500);
			assertThat(result.outcomeFor("a@example.com").code()).isEqualTo(500);
		}
	}

	@Test
	void refusalAfterTheFinalDotIsTheDataOutcome() throws Exception {
		try (SmtpSink sink = SmtpSink.start("-r", ".");
				SmtpConnection connection = client.connect("127.0.0.1", sink.port())) {
			TransactionResult result = connection.send(THREE_RECIPIENTS, message());

			assertThat(result.data().code()).isEqualTo(450);
			assertThat(result.outcomeFor("b@example.com").isTransientFailure()).isTrue();
			// the session goes on: the next transaction starts with RSET
			TransactionResult next = connection.send(THREE_RECIPIENTS, message());
			assertThat(next.transcript()).contains("C: RSET");
		}
	}

	@Test
	void a421OnRcptEndsTheSession() throws Exception {
		try (SmtpSink sink = SmtpSink.start("-Q", "RCPT"); SmtpConnection connection = client.connect("127.0.0.1", sink.port())) {
			assertThatThrownBy(() -> connection.send(THREE_RECIPIENTS, message()))
				.isInstanceOfSatisfying(SmtpException.class, ex -> {
					assertThat(ex.kind()).isEqualTo(Kind.PROTOCOL);
					assertThat(ex.reply().code()).isEqualTo(421);
					assertThat(ex.isTransient()).isTrue();
					assertThat(ex.transcript()).contains("C: RCPT TO:<a@example.com>");
				});
			assertThat(connection.isOpen()).isFalse();
		}
	}

	@Test
	void a421AfterTheFinalDotEndsTheSession() throws Exception {
		try (SmtpSink sink = SmtpSink.start("-Q", "."); SmtpConnection connection = client.connect("127.0.0.1", sink.port())) {
			assertThatThrownBy(() -> connection.send(THREE_RECIPIENTS, message()))
				.isInstanceOfSatisfying(SmtpException.class, ex -> assertThat(ex.reply().code()).isEqualTo(421));
			assertThat(connection.isOpen()).isFalse();
		}
	}

	@Test
	void a421GreetingIsASessionFailure() throws Exception {
		try (SmtpSink sink = SmtpSink.start("-Q", "CONNECT")) {
			assertThatThrownBy(() -> client.connect("127.0.0.1", sink.port()))
				.isInstanceOfSatisfying(SmtpException.class, ex -> {
					assertThat(ex.kind()).isEqualTo(Kind.PROTOCOL);
					assertThat(ex.reply().code()).isEqualTo(421);
				});
		}
	}

	@Test
	void refusedEhloFallsBackToHelo() throws Exception {
		try (SmtpSink sink = SmtpSink.start("-f", "EHLO"); SmtpConnection connection = client.connect("127.0.0.1", sink.port())) {
			assertThat(connection.extensions()).isEmpty();
			assertThat(connection.sessionTranscript()).contains("C: HELO client.test\nS: 250");
			assertThat(connection.send(THREE_RECIPIENTS, message()).data().code()).isEqualTo(250);
		}
	}

	@Test
	void serverThatHangsUpWithoutReplyIsAConnectionFailure() throws Exception {
		try (SmtpSink sink = SmtpSink.start("-q", "RCPT"); SmtpConnection connection = client.connect("127.0.0.1", sink.port())) {
			assertThatThrownBy(() -> connection.send(THREE_RECIPIENTS, message()))
				.isInstanceOfSatisfying(SmtpException.class, ex -> {
					assertThat(ex.kind()).isEqualTo(Kind.CONNECT);
					assertThat(ex.getMessage()).contains("RCPT");
				});
		}
	}

	@Test
	void slowDataReplyTimesOut() throws Exception {
		SmtpClient impatient = new SmtpClient(client.settings()
			.withTimeouts(SmtpTimeouts.uniform(Duration.ofSeconds(10)).withDataInit(Duration.ofMillis(500))));
		try (SmtpSink sink = SmtpSink.start("-p", "-w", "3"); SmtpConnection connection = impatient.connect("127.0.0.1", sink.port())) {
			assertThatThrownBy(() -> connection.send(THREE_RECIPIENTS, message()))
				.isInstanceOfSatisfying(SmtpException.class, ex -> {
					assertThat(ex.kind()).isEqualTo(Kind.TIMEOUT);
					assertThat(ex.getMessage()).contains("DATA");
				});
		}
	}

	@Test
	void oneSessionCarriesManyMessages() throws Exception {
		try (SmtpSink sink = SmtpSink.start()) {
			for (List<Integer> batch : List.of(List.of(1, 2, 3, 4, 5), List.of(6, 7, 8, 9, 10))) {
				try (SmtpConnection connection = client.connect("127.0.0.1", sink.port())) {
					for (int n : batch) {
						assertThat(connection.send(new Envelope("s@example.com", "r" + n + "@example.com"), message())
							.data()
							.code()).isEqualTo(250);
					}
				}
			}
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				assertThat(sink.messages()).isEqualTo(10);
				assertThat(sink.sessions()).isEqualTo(2);
			});
		}
	}

	@Test
	void overlongReplyFromAHostileServerFailsCleanly() throws Exception {
		// smtp-sink puts its -h name into the greeting: make that line longer than we accept
		try (SmtpSink sink = SmtpSink.start("-h", "h".repeat(ReplyReader.MAX_LINE_OCTETS + 100))) {
			assertThatThrownBy(() -> client.connect("127.0.0.1", sink.port()))
				.isInstanceOfSatisfying(SmtpException.class, ex -> {
					assertThat(ex.kind()).isEqualTo(Kind.PROTOCOL);
					assertThat(ex.getMessage()).contains("longer than " + ReplyReader.MAX_LINE_OCTETS);
				});
		}
	}

	@Test
	void serverThatStopsReadingTheBodyHitsTheDataBlockTimeout() throws Exception {
		SmtpClient impatient = new SmtpClient(client.settings()
			.withTimeouts(SmtpTimeouts.uniform(Duration.ofSeconds(10)).withDataBlock(Duration.ofSeconds(1))));
		// 16 MB cannot fit in the socket buffers while smtp-sink waits 20 s before reading the data
		byte[] large = SmtpConnectionTests.message("large", ("y".repeat(98) + "\r\n").repeat(160_000));
		try (SmtpSink sink = SmtpSink.start("-H", "20", "-T", "4096");
				SmtpConnection connection = impatient.connect("127.0.0.1", sink.port())) {
			long started = System.nanoTime();
			assertThatThrownBy(() -> connection.send(THREE_RECIPIENTS, large))
				.isInstanceOfSatisfying(SmtpException.class, ex -> {
					assertThat(ex.kind()).isEqualTo(Kind.TIMEOUT);
					assertThat(ex.getMessage()).contains("write timed out during message data");
				});
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
		}
	}

}
