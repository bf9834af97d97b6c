package io.mailroom.delivery;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

import io.mailroom.common.Ids;
import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.Payloads;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The queue-age gauge behind the MailroomQueueOldestMessageTooOld alert must grow while the relay is
 * down. A deferred recipient waits out its retry delay between attempts; were its age counted from
 * its next attempt, it would always look fresh and the alert could never fire during an outage.
 */
@MailroomTest
class QueueAgeDuringOutageTests {

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	java.time.Clock clock;

	@Autowired
	QueueMetrics queueMetrics;

	@Autowired
	MeterRegistry meters;

	@Test
	void recipientDeferredForTwentyMinutesCountsTwentyMinutesOld() {
		Api.Response accepted = new Api(port).post("/messages", Payloads.alert("outage@example.com", "relay down"));
		String id = accepted.json().get("id").asString();
		Instant now = clock.instant();
		// As after several failed attempts: accepted 20 minutes ago, next attempt in 5 minutes.
		jdbc.sql("""
				update recipient set status = 'deferred', attempts = 4, created_at = ?, next_attempt_at = ?
				where message_id = ?""")
			.params(Timestamp.from(now.minus(Duration.ofMinutes(20))), Timestamp.from(now.plus(Duration.ofMinutes(5))),
					Ids.parse("msg", id))
			.update();

		queueMetrics.refresh();

		assertThat(meters.get("mailroom.queue.oldest.age").gauge().value()).isGreaterThanOrEqualTo(20 * 60);
	}

	/**
	 * The age is read in creation order with an early stop. A recipient created first need not
	 * have waited longest: its message's sendAt may have come later than the creation of others.
	 * 150 such queued recipients (more than a page) come before the one that waited longest.
	 */
	@Test
	void recipientsCreatedEarlierButDueLaterDoNotHideTheLongestWait() {
		queueWithLongestWaitOnTheSecondPage();

		queueMetrics.refresh(true);

		assertThat(meters.get("mailroom.queue.oldest.age").gauge().value()).isBetween(30 * 60.0, 31 * 60.0);
		assertThat(meters.get("mailroom.queue.depth").tag("status", "queued").gauge().value()).isEqualTo(151);
	}

	/**
	 * After a count that took long, the depth waits {@link QueueMetrics#COUNT_COST_FACTOR} times as
	 * long before it is counted again; the oldest age is still read on every refresh.
	 */
	@Test
	void anExpensiveCountIsPacedButTheAgeIsReadOnEveryRefresh() {
		queueWithLongestWaitOnTheSecondPage();
		queueMetrics.refresh(true);
		assertThat(meters.get("mailroom.queue.depth").tag("status", "queued").gauge().value()).isEqualTo(151);
		long now = System.nanoTime();
		// as if the count had taken a second: the next one in 500 s
		queueMetrics.counted(now - 1_000_000_000L, now);
		jdbc.sql("update recipient set status = 'delivered', final_at = created_at where email = 'waiting-longest@example.com'")
			.update();

		queueMetrics.refresh();

		assertThat(meters.get("mailroom.queue.depth").tag("status", "queued").gauge().value()).isEqualTo(151);
		// the longest wait left: the 150 due since their sendAt, 5 minutes ago
		assertThat(meters.get("mailroom.queue.oldest.age").gauge().value()).isBetween(5 * 60.0, 6 * 60.0);
		assertThat(queueMetrics.countDue(now + 499_000_000_000L)).isFalse();
		assertThat(queueMetrics.countDue(now + 500_000_000_000L)).isTrue();

		queueMetrics.refresh(true);

		assertThat(meters.get("mailroom.queue.depth").tag("status", "queued").gauge().value()).isEqualTo(150);
	}

	/** Past its page limit the reading in creation order gives way to one aggregate, with the same answer. */
	@Test
	void pastThePageLimitTheOldestWaitComesFromAnAggregate() {
		queueWithLongestWaitOnTheSecondPage();
		int pages = queueMetrics.maxPages;
		queueMetrics.maxPages = 1;
		try {
			queueMetrics.refresh(true);
		}
		finally {
			queueMetrics.maxPages = pages;
		}

		assertThat(meters.get("mailroom.queue.oldest.age").gauge().value()).isBetween(30 * 60.0, 31 * 60.0);
	}

	private void queueWithLongestWaitOnTheSecondPage() {
		Instant now = clock.instant();
		jdbc.sql("update recipient set status = 'delivered', final_at = created_at where final_at is null").update();
		Api api = new Api(port);
		String batch = "{\"messages\": [" + String.join(",", java.util.Collections.nCopies(150,
				Payloads.alert("scheduled-earlier@example.com", "created an hour ago, due 5 minutes ago"))) + "]}";
		assertThat(api.post("/messages/batch", batch).status()).isEqualTo(202);
		jdbc.sql("update message set created_at = ?, send_at = ? where id in (select message_id from recipient where email = ?)")
			.params(Timestamp.from(now.minus(Duration.ofHours(1))), Timestamp.from(now.minus(Duration.ofMinutes(5))),
					"scheduled-earlier@example.com")
			.update();
		jdbc.sql("update recipient set created_at = ?, next_attempt_at = ? where email = ?")
			.params(Timestamp.from(now.minus(Duration.ofHours(1))), Timestamp.from(now.plus(Duration.ofMinutes(5))),
					"scheduled-earlier@example.com")
			.update();
		String id = api.post("/messages", Payloads.alert("waiting-longest@example.com", "accepted 30 minutes ago"))
			.json()
			.get("id")
			.asString();
		jdbc.sql("update recipient set created_at = ?, next_attempt_at = ? where message_id = ?")
			.params(Timestamp.from(now.minus(Duration.ofMinutes(30))), Timestamp.from(now.plus(Duration.ofMinutes(5))),
					Ids.parse("msg", id))
			.update();
	}

	@Test
	void scheduledMessageIsNotOldBeforeItIsDue() {
		Instant now = clock.instant();
		jdbc.sql("update recipient set status = 'delivered', final_at = created_at where final_at is null").update();
		Api.Response accepted = new Api(port).post("/messages", """
				{"template": "alert", "to": [{"email": "later@example.com"}], "sendAt": "%s",
				 "data": {"severity": "info", "title": "Later", "summary": "scheduled"}}"""
			.formatted(now.plus(Duration.ofDays(2))));
		assertThat(accepted.status()).isEqualTo(202);

		queueMetrics.refresh();

		assertThat(meters.get("mailroom.queue.oldest.age").gauge().value()).isZero();
	}

}
