package io.mailroom.message;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GroupCommitTests {

	@Test
	void itemsWaitingWhileAGroupIsStoredGoTogetherInTheNextGroup() throws Exception {
		HeldStore store = new HeldStore((group, n) -> group.stream().map(i -> "stored " + i).toList());
		CountDownLatch firstStarted = store.firstStarted;
		CountDownLatch releaseFirst = store.releaseFirst;
		List<List<Integer>> groups = store.groups;
		try (GroupCommit<Integer, String> commit = commit(store, ex -> true)) {
			ExecutorService callers = Executors.newFixedThreadPool(11);
			List<CompletableFuture<String>> answers = new ArrayList<>();
			answers.add(CompletableFuture.supplyAsync(() -> commit.submit(0, Duration.ofSeconds(10)), callers));
			assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
			for (int i = 1; i <= 10; i++) {
				int item = i;
				answers.add(CompletableFuture.supplyAsync(() -> commit.submit(item, Duration.ofSeconds(10)), callers));
			}
			// Nobody is answered before their group committed.
			Thread.sleep(200);
			assertThat(answers).noneMatch(CompletableFuture::isDone);
			releaseFirst.countDown();

			for (int i = 0; i <= 10; i++) {
				assertThat(answers.get(i).get(5, TimeUnit.SECONDS)).isEqualTo("stored " + i);
			}
			assertThat(groups).hasSize(2);
			assertThat(groups.get(0)).containsExactly(0);
			assertThat(groups.get(1)).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
			callers.shutdown();
		}
	}

	@Test
	void aFailedGroupIsRetriedItemByItemSoOnlyTheBadItemFails() throws Exception {
		HeldStore store = new HeldStore((group, n) -> {
			if (group.contains(13)) {
				throw new IllegalArgumentException("13 is refused");
			}
			return group.stream().map(i -> "stored " + i).toList();
		});
		CountDownLatch firstStarted = store.firstStarted;
		CountDownLatch releaseFirst = store.releaseFirst;
		try (GroupCommit<Integer, String> commit = commit(store, ex -> true)) {
			ExecutorService callers = Executors.newFixedThreadPool(4);
			CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> commit.submit(1, Duration.ofSeconds(10)), callers);
			assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
			CompletableFuture<String> good = CompletableFuture.supplyAsync(() -> commit.submit(12, Duration.ofSeconds(10)), callers);
			CompletableFuture<String> bad = CompletableFuture.supplyAsync(() -> commit.submit(13, Duration.ofSeconds(10)), callers);
			Thread.sleep(200);
			releaseFirst.countDown();

			assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("stored 1");
			assertThat(good.get(5, TimeUnit.SECONDS)).isEqualTo("stored 12");
			assertThatThrownBy(() -> bad.get(5, TimeUnit.SECONDS)).hasRootCauseMessage("13 is refused");
			callers.shutdown();
		}
	}

	@Test
	void closingStoresWhatWasSubmittedAndThenRefusesNewItems() {
		List<Integer> stored = new CopyOnWriteArrayList<>();
		GroupCommit<Integer, Integer> commit = new GroupCommit<>("test", group -> {
			stored.addAll(group);
			return group;
		}, 2, 10, size -> {
		}, ex -> true);
		assertThat(commit.submit(7, Duration.ofSeconds(5))).isEqualTo(7);
		commit.close();
		assertThat(stored).containsExactly(7);
		assertThatThrownBy(() -> commit.submit(8, Duration.ofSeconds(5))).hasMessageContaining("shutting down");
	}

	@Test
	void aFailureThatIsNotAboutOneItemFailsTheWholeGroupWithoutRetries() throws Exception {
		HeldStore store = new HeldStore((group, n) -> {
			if (n == 1) {
				return List.of("stored");
			}
			throw new IllegalStateException("database unreachable");
		});
		CountDownLatch firstStarted = store.firstStarted;
		CountDownLatch releaseFirst = store.releaseFirst;
		List<List<Integer>> groups = store.groups;
		try (GroupCommit<Integer, String> commit = commit(store, ex -> !(ex instanceof IllegalStateException))) {
			ExecutorService callers = Executors.newFixedThreadPool(4);
			CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> commit.submit(1, Duration.ofSeconds(10)), callers);
			assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
			CompletableFuture<String> a = CompletableFuture.supplyAsync(() -> commit.submit(2, Duration.ofSeconds(10)), callers);
			CompletableFuture<String> b = CompletableFuture.supplyAsync(() -> commit.submit(3, Duration.ofSeconds(10)), callers);
			Thread.sleep(200);
			releaseFirst.countDown();

			assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("stored");
			assertThatThrownBy(() -> a.get(5, TimeUnit.SECONDS)).hasRootCauseMessage("database unreachable");
			assertThatThrownBy(() -> b.get(5, TimeUnit.SECONDS)).hasRootCauseMessage("database unreachable");
			assertThat(groups).hasSize(2);
			callers.shutdown();
		}
	}

	/** One writer over a store whose first group waits until released, so that later items pile up behind it. */
	private static GroupCommit<Integer, String> commit(HeldStore store, Predicate<RuntimeException> itemSpecific) {
		return new GroupCommit<>("test", store, 1, 100, size -> {
		}, itemSpecific);
	}

	private static final class HeldStore implements Function<List<Integer>, List<String>> {

		final CountDownLatch firstStarted = new CountDownLatch(1);

		final CountDownLatch releaseFirst = new CountDownLatch(1);

		final List<List<Integer>> groups = new CopyOnWriteArrayList<>();

		/** Stores a group, given the group and its number (1 for the first). */
		private final BiFunction<List<Integer>, Integer, List<String>> store;

		HeldStore(BiFunction<List<Integer>, Integer, List<String>> store) {
			this.store = store;
		}

		@Override
		public List<String> apply(List<Integer> group) {
			groups.add(group);
			int n = groups.size();
			if (n == 1) {
				firstStarted.countDown();
				await(releaseFirst);
			}
			return store.apply(group, n);
		}

	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
