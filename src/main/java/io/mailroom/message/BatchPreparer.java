package io.mailroom.message;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.mailroom.security.Caller;
import io.mailroom.template.TemplateNotFoundException;
import io.mailroom.template.TemplateRenderingException;
import io.mailroom.web.FieldProblem;
import io.mailroom.web.ProblemException;
import io.mailroom.web.Problems;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;

/**
 * Prepares the messages of a batch: each is read, validated, rendered and composed on its own,
 * and a failure becomes that message's problem document. Rendering and composing are CPU work
 * (about a millisecond a message), so a batch is spread over the cores: the request thread works
 * through the items together with helpers from a small shared pool. The request thread never
 * waits for a helper to start, so a busy pool slows a batch down but cannot stall it.
 */
@Component
class BatchPreparer implements DisposableBean {

	/** Below this many items per helper, handing work over costs more than it saves. */
	private static final int ITEMS_PER_HELPER = 25;

	private final MessagePreparer preparer;

	private final JsonMapper json;

	private final ExecutorService helpers;

	private final int helperCount;

	BatchPreparer(MessagePreparer preparer, JsonMapper json) {
		this.preparer = preparer;
		this.json = json;
		this.helperCount = Math.max(0, Runtime.getRuntime().availableProcessors() - 1);
		AtomicInteger threads = new AtomicInteger();
		this.helpers = new ThreadPoolExecutor(Math.max(1, helperCount), Math.max(1, helperCount), 60, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), task -> {
					Thread thread = new Thread(task, "mailroom-batch-" + threads.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
	}

	/** @return per item, in order: a {@link PreparedMessage} or a problem document ({@link Problems#document}) */
	Object[] prepare(Caller caller, List<JsonNode> items) {
		Object[] results = new Object[items.size()];
		AtomicInteger next = new AtomicInteger();
		CountDownLatch done = new CountDownLatch(items.size());
		AtomicReference<RuntimeException> unexpected = new AtomicReference<>();
		Runnable work = () -> {
			for (int i = next.getAndIncrement(); i < items.size(); i = next.getAndIncrement()) {
				try {
					results[i] = prepareItem(caller, items.get(i));
				}
				catch (RuntimeException ex) {
					unexpected.compareAndSet(null, ex);
				}
				finally {
					done.countDown();
				}
			}
		};
		int wanted = Math.min(helperCount, items.size() / ITEMS_PER_HELPER);
		for (int h = 0; h < wanted; h++) {
			helpers.execute(work);
		}
		work.run();
		try {
			// Only items a helper is in the middle of remain; helpers that start late find nothing left.
			done.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while preparing a batch", ex);
		}
		if (unexpected.get() != null) {
			throw unexpected.get();
		}
		return results;
	}

	/** One item: its prepared message, or the problem document the same request alone would get. */
	private Object prepareItem(Caller caller, JsonNode item) {
		ProblemDetail problem;
		try {
			if (item == null || !item.isObject()) {
				throw ProblemException.invalid(List.of(new FieldProblem("", "must be a message object")));
			}
			return preparer.prepare(caller, json.treeToValue(item, SendRequest.class));
		}
		catch (JacksonException ex) {
			problem = Problems.unreadable(ex);
		}
		catch (ProblemException ex) {
			problem = Problems.of(ex);
		}
		catch (TemplateNotFoundException ex) {
			problem = Problems.of(ex);
		}
		catch (TemplateRenderingException ex) {
			problem = Problems.of(ex);
		}
		return Problems.document(problem);
	}

	@Override
	public void destroy() {
		helpers.shutdownNow();
	}

}
