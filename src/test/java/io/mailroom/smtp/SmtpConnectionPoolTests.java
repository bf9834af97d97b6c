package io.mailroom.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.mailroom.smtp.SmtpConnectionPool.Destination;
import io.mailroom.smtp.SmtpConnectionPool.Lease;
import io.mailroom.smtp.SmtpException.Kind;

/** The pool against smtp-sink, whose session counter shows how many sessions were really opened. */
class SmtpConnectionPoolTests {

	private static final SmtpClientSettings CLIENT = SmtpClientSettings.defaults("client.test")
		.withTimeouts(SmtpTimeouts.uniform(Duration.ofSeconds(10)));

	private static final Envelope ENVELOPE = new Envelope("s@example.com", "r@example.com");

	private static final byte[] MESSAGE = SmtpConnectionTests.message("pooled", "hello\r\n");

	private static Destination destination(SmtpSink sink) {
		return new Destination("127.0.0.1", sink.port(), TlsMode.NONE);
	}

	private static void sendOne(SmtpConnectionPool pool, Destination destination) throws SmtpException {
		try (Lease lease = pool.borrow(destination)) {
			assertThat(lease.connection().send(ENVELOPE, MESSAGE).data().code()).isEqualTo(250);
		}
	}

	@Test
	void sequentialMessagesShareOneSession() throws Exception {
		try (SmtpSink sink = SmtpSink.start()) {
			try (SmtpConnectionPool pool = new SmtpConnectionPool(CLIENT, SmtpConnectionPool.Settings.defaults())) {
				for (int i = 0; i < 20; i++) {
					sendOne(pool, destination(sink));
				}
				assertThat(pool.openConnections(destination(sink))).isEqualTo(1);
			}
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				assertThat(sink.messages()).isEqualTo(20);
				assertThat(sink.sessions()).isEqualTo(1);
			});
		}
	}

	@Test
	void parallelSendersNeverExceedTheLimit() throws Exception {
		ExecutorService senders = Executors.newFixedThreadPool(8);
		try (SmtpSink sink = SmtpSink.start()) {
			try (SmtpConnectionPool pool = new SmtpConnectionPool(CLIENT,
					SmtpConnectionPool.Settings.defaults().withMaxConnectionsPerDestination(3))) {
				List<Future<?>> done = new ArrayList<>();
				for (int t = 0; t < 8; t++) {
					done.add(senders.submit(() -> {
						for (int i = 0; i < 25; i++) {
							sendOne(pool, destination(sink));
						}
						return null;
					}));
				}
				for (Future<?> f : done) {
					f.get();
				}
				assertThat(pool.openConnections(destination(sink))).isLessThanOrEqualTo(3);
			}
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				assertThat(sink.messages()).isEqualTo(200);
				assertThat(sink.sessions()).isBetween(1, 3);
			});
		}
		finally {
			senders.shutdownNow();
		}
	}

	@Test
	void borrowWaitsForAReturnedSessionAndGivesUpAfterTheTimeout() throws Exception {
		try (SmtpSink sink = SmtpSink.start();
				SmtpConnectionPool pool = new SmtpConnectionPool(CLIENT, SmtpConnectionPool.Settings.defaults()
					.withMaxConnectionsPerDestination(1)
					.withBorrowTimeout(Duration.ofMillis(300)))) {
			Lease first = pool.borrow(destination(sink));
			assertThatThrownBy(() -> pool.borrow(destination(sink)))
				.isInstanceOfSatisfying(SmtpException.class, ex -> assertThat(ex.kind()).isEqualTo(Kind.TIMEOUT));

			try (SmtpConnectionPool patient = new SmtpConnectionPool(CLIENT, SmtpConnectionPool.Settings.defaults()
				.withMaxConnectionsPerDestination(1)
				.withBorrowTimeout(Duration.ofSeconds(10)))) {
				Lease held = patient.borrow(destination(sink));
				CompletableFuture<Lease> waiting = CompletableFuture.supplyAsync(() -> {
					try {
						return patient.borrow(destination(sink));
					}
					catch (SmtpException ex) {
						throw new IllegalStateException(ex);
					}
				});
				assertThat(waiting).isNotDone();
				SmtpConnection heldConnection = held.connection();
				held.close();
				Lease handedOver = waiting.get();
				assertThat(handedOver.connection()).isSameAs(heldConnection);
				handedOver.close();
			}
			first.close();
		}
	}

	@Test
	void idleSessionsAreClosedAfterTheIdleTimeout() throws Exception {
		try (SmtpSink sink = SmtpSink.start();
				SmtpConnectionPool pool = new SmtpConnectionPool(CLIENT,
						SmtpConnectionPool.Settings.defaults().withIdleTimeout(Duration.ofMillis(200)))) {
			sendOne(pool, destination(sink));
			assertThat(pool.idleConnections(destination(sink))).isEqualTo(1);

			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				pool.closeExpired();
				assertThat(pool.openConnections(destination(sink))).isZero();
			});
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(sink.sessions()).isEqualTo(1));
		}
	}

	@Test
	void sessionsPastTheirLifetimeAreNotReused() throws Exception {
		try (SmtpSink sink = SmtpSink.start();
				SmtpConnectionPool pool = new SmtpConnectionPool(CLIENT,
						SmtpConnectionPool.Settings.defaults().withMaxLifetime(Duration.ofMillis(50)))) {
			try (Lease lease = pool.borrow(destination(sink))) {
				await().atMost(Duration.ofSeconds(5)).until(() -> lease.connection().age().toMillis() > 50);
			}
			assertThat(pool.openConnections(destination(sink))).isZero();
		}
	}

	@Test
	void aSessionTheServerDroppedIsReplacedAfterAFailedProbe() throws Exception {
		// smtp-sink -t 1 drops a client that stays silent for a second
		try (SmtpSink sink = SmtpSink.start("-t", "1");
				SmtpConnectionPool pool = new SmtpConnectionPool(CLIENT,
						SmtpConnectionPool.Settings.defaults().withProbeAfterIdle(Duration.ZERO))) {
			SmtpConnection first;
			try (Lease lease = pool.borrow(destination(sink))) {
				first = lease.connection();
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> sink.sessions() == 1);

			try (Lease lease = pool.borrow(destination(sink))) {
				assertThat(lease.connection()).isNotSameAs(first);
				assertThat(lease.connection().send(ENVELOPE, MESSAGE).data().code()).isEqualTo(250);
			}
		}
	}

	@Test
	void aSessionThatEndedIsNotReturned() throws Exception {
		try (SmtpSink sink = SmtpSink.start("-Q", "RCPT");
				SmtpConnectionPool pool = new SmtpConnectionPool(CLIENT, SmtpConnectionPool.Settings.defaults())) {
			try (Lease lease = pool.borrow(destination(sink))) {
				assertThatThrownBy(() -> lease.connection().send(ENVELOPE, MESSAGE)).isInstanceOf(SmtpException.class);
			}
			assertThat(pool.openConnections(destination(sink))).isZero();
		}
	}

	@Test
	void loweredLimitClosesSurplusSessionsAsTheyComeBack() throws Exception {
		try (SmtpSink sink = SmtpSink.start();
				SmtpConnectionPool pool = new SmtpConnectionPool(CLIENT, SmtpConnectionPool.Settings.defaults())) {
			Lease a = pool.borrow(destination(sink));
			Lease b = pool.borrow(destination(sink));
			pool.setConnectionLimit(destination(sink), 1);
			a.close();
			b.close();
			assertThat(pool.openConnections(destination(sink))).isEqualTo(1);
		}
	}

	@Test
	void loweredLimitHoldsEvenWhenTheSurplusSessionsAreIdle() throws Exception {
		try (SmtpSink sink = SmtpSink.start();
				SmtpConnectionPool pool = new SmtpConnectionPool(CLIENT,
						SmtpConnectionPool.Settings.defaults().withBorrowTimeout(Duration.ofMillis(500)))) {
			Lease a = pool.borrow(destination(sink));
			Lease b = pool.borrow(destination(sink));
			a.close();
			b.close();
			pool.setConnectionLimit(destination(sink), 1);

			Lease only = pool.borrow(destination(sink));
			assertThat(pool.openConnections(destination(sink))).isEqualTo(1);
			assertThatThrownBy(() -> pool.borrow(destination(sink)))
				.isInstanceOfSatisfying(SmtpException.class, ex -> assertThat(ex.kind()).isEqualTo(Kind.TIMEOUT));
			only.close();
		}
	}

}
