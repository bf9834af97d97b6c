package io.mailroom.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.mailroom.message.Messages;
import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.MutableClock;
import io.mailroom.support.Payloads;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A claim stops at its byte budget, so a backlog of large messages cannot fill the heap. Its own
 * database (a distinct property), so no other test's backlog is in the queue.
 */
@MailroomTest
@TestPropertySource(properties = "mailroom.delivery.queue-bytes=3MB")
class ClaimBudgetTests {

	@LocalServerPort
	int port;

	@Autowired
	RecipientClaims claims;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	MutableClock clock;

	@Test
	void aClaimTakesRecipientsInOrderWhileTheirMessagesStartWithinTheBudget() {
		Api api = new Api(port);
		holdEverythingWaiting();
		List<UUID> messages = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			Api.Response posted = api.post("/messages", Payloads.alert("oncall" + i + "@example.com", "Disk " + i));
			assertThat(posted.status()).isEqualTo(202);
			messages.add(Messages.parseId(posted.json().get("id").asString()));
			clock.advance(Duration.ofMillis(10));
		}
		long first = size(messages.get(0));
		long second = size(messages.get(1));
		Instant now = clock.instant();

		List<ClaimedRecipient> two = claims.claim("budget-test", 100, first + second, now, now.plus(Duration.ofMinutes(5)));
		assertThat(two).extracting(ClaimedRecipient::messageId)
			.as("the third would start at the budget")
			.containsExactlyInAnyOrder(messages.get(0), messages.get(1));

		List<ClaimedRecipient> one = claims.claim("budget-test", 100, 0, now, now.plus(Duration.ofMinutes(5)));
		assertThat(one).extracting(ClaimedRecipient::messageId)
			.as("a message larger than the budget (even none left) is still claimed, alone")
			.containsExactly(messages.get(2));

		List<ClaimedRecipient> rest = claims.claim("budget-test", 100, Long.MAX_VALUE, now,
				now.plus(Duration.ofMinutes(5)));
		assertThat(rest).extracting(ClaimedRecipient::messageId)
			.as("recipients locked but not taken stayed queued")
			.containsExactlyInAnyOrder(messages.get(3), messages.get(4));
		assertThat(jdbc.sql("select count(*) from recipient where status = 'sending' and claimed_by = 'budget-test'")
			.query(Integer.class)
			.single()).isEqualTo(5);
	}

	@Test
	void expiredLeasesAndDueRecipientsTogetherStayWithinTheLimit() {
		Api api = new Api(port);
		for (int i = 0; i < 2; i++) {
			assertThat(api.post("/messages", Payloads.alert("earlier" + i + "@example.com", "Earlier")).status())
				.isEqualTo(202);
		}
		clock.advance(Duration.ofHours(1));
		Instant now = clock.instant();
		assertThat(claims.claim("crashed-instance", 1_000, now, now.plus(Duration.ofMinutes(1))))
			.as("everything waiting, now held by an instance that will not come back")
			.hasSizeGreaterThanOrEqualTo(2);
		for (int i = 0; i < 3; i++) {
			assertThat(api.post("/messages", Payloads.alert("later" + i + "@example.com", "Later")).status())
				.isEqualTo(202);
		}
		clock.advance(Duration.ofMinutes(2));
		now = clock.instant();

		assertThat(claims.claim("budget-test", 3, now, now.plus(Duration.ofMinutes(5))))
			.as("2 or more expired leases and 3 due recipients, limit 3")
			.hasSize(3);
	}

	/** Whatever the other test left waiting or leased is held elsewhere for a day. */
	private void holdEverythingWaiting() {
		clock.advance(Duration.ofHours(1));
		Instant now = clock.instant();
		claims.claim("elsewhere", 10_000, now, now.plus(Duration.ofDays(1)));
	}

	private long size(UUID message) {
		return jdbc.sql("select octet_length(mime) from message where id = ?").param(message).query(Long.class).single();
	}

}
