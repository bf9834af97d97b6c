package io.mailroom.delivery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The senders' queue: priority order, and the signal that lets the dispatcher claim while the senders still have work. */
class SendQueueTests {

	private final AtomicInteger wakes = new AtomicInteger();

	private final SendQueue queue = new SendQueue(10, 1_000, wakes::incrementAndGet);

	@Test
	void theTakeThatMakesTheRoomAskedForWakesTheDispatcherOnce() throws InterruptedException {
		fill(10);
		assertThat(queue.wantRoom()).isFalse();
		for (int i = 0; i < 4; i++) {
			take();
		}
		assertThat(queue.room()).isEqualTo(4);
		assertThat(wakes).hasValue(0);

		take();
		assertThat(queue.room()).isEqualTo(queue.refill()).isEqualTo(5);
		assertThat(wakes).hasValue(1);

		take();
		take();
		assertThat(wakes).as("told once per request").hasValue(1);
	}

	@Test
	void takesNobodyAskedAboutWakeNobody() throws InterruptedException {
		fill(10);
		for (int i = 0; i < 10; i++) {
			take();
		}
		assertThat(wakes).hasValue(0);
	}

	@Test
	void askingWhenThereIsRoomAlreadySaysSoAndLeavesNoRequestBehind() throws InterruptedException {
		fill(4);
		assertThat(queue.wantRoom()).isTrue();
		take();
		assertThat(wakes).hasValue(0);
	}

	@Test
	void largeMessagesFillTheQueueByTheirBytes() throws InterruptedException {
		queue.add(recipient(0, 300));
		queue.add(recipient(0, 400));
		assertThat(queue.byteRoom()).isEqualTo(300);
		assertThat(queue.room()).isEqualTo(8);
		assertThat(queue.hasRoom()).as("half the recipients free, not half the bytes").isFalse();
		assertThat(queue.wantRoom()).isFalse();

		take();
		assertThat(queue.byteRoom()).isEqualTo(600);
		assertThat(queue.hasRoom()).isTrue();
		assertThat(wakes).hasValue(1);

		queue.add(recipient(0, 5_000));
		assertThat(queue.byteRoom()).as("one message may go beyond the bound").isEqualTo(-4_400);
		take();
		take();
		assertThat(queue.byteRoom()).isEqualTo(1_000);
	}

	@Test
	void sendersTakeTheMostUrgentFirstThenInClaimOrder() throws InterruptedException {
		List<ClaimedRecipient> added = List.of(recipient(5), recipient(1), recipient(5), recipient(1));
		added.forEach(queue::add);
		List<ClaimedRecipient> taken = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			taken.add(take());
		}
		assertThat(taken).containsExactly(added.get(1), added.get(3), added.get(0), added.get(2));
	}

	@Test
	void drainingHandsBackWhatNoSenderTook() throws InterruptedException {
		fill(3);
		ClaimedRecipient taken = take();
		queue.add(recipient(0, 700));
		assertThat(queue.drain()).hasSize(3).doesNotContain(taken);
		assertThat(queue.room()).isEqualTo(10);
		assertThat(queue.byteRoom()).isEqualTo(1_000);
		assertThat(queue.poll(1, TimeUnit.MILLISECONDS)).isNull();
	}

	private void fill(int n) {
		for (int i = 0; i < n; i++) {
			queue.add(recipient(0));
		}
	}

	private ClaimedRecipient take() throws InterruptedException {
		ClaimedRecipient r = queue.poll(1, TimeUnit.SECONDS);
		assertThat(r).isNotNull();
		return r;
	}

	private static ClaimedRecipient recipient(int priority) {
		return recipient(priority, 0);
	}

	private static ClaimedRecipient recipient(int priority, int bytes) {
		return new ClaimedRecipient(UUID.randomUUID(), UUID.randomUUID(), "a@example.com", "example.com", 0, priority,
				Instant.now(), false, "shop@example.com", new byte[bytes], "t", List.of(), Map.of(), null);
	}

}
