package io.mailroom.message;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.mailroom.security.Caller;
import io.mailroom.web.FieldProblem;
import io.mailroom.web.ProblemException;
import io.mailroom.web.ProblemType;
import io.mailroom.web.RequestLimits;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import jakarta.annotation.PreDestroy;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/** Accepts messages: prepare (validate, render, compose), then store with their first events. */
@Service
public class MessageService {

	private final MessagePreparer preparer;

	private final MessageStore store;

	private final IdempotencyRecords idempotency;

	private final TransactionTemplate transactions;

	private final JsonMapper json;

	private final JsonMapper canonicalJson;

	private final MeterRegistry meters;

	private final Clock clock;

	private final RequestLimits limits;

	private final BatchPreparer batchPreparer;

	private final GroupCommit<PreparedMessage, AcceptedMessage> groupCommit;

	private final AcceptProperties acceptProperties;

	MessageService(MessagePreparer preparer, BatchPreparer batchPreparer, MessageStore store,
			IdempotencyRecords idempotency, TransactionTemplate transactions, JsonMapper json, MeterRegistry meters,
			Clock clock, RequestLimits limits, AcceptProperties acceptProperties) {
		this.preparer = preparer;
		this.batchPreparer = batchPreparer;
		this.store = store;
		this.idempotency = idempotency;
		this.transactions = transactions;
		this.json = json;
		this.canonicalJson = json.rebuild().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();
		this.meters = meters;
		this.clock = clock;
		this.limits = limits;
		this.acceptProperties = acceptProperties;
		DistributionSummary groups = DistributionSummary.builder("mailroom.accept.group.size")
			.description("Messages stored per transaction by single POST /messages requests")
			.register(meters);
		this.groupCommit = new GroupCommit<>("accept-writer",
				group -> transactions.execute(tx -> storeAll(group, clock.instant())), acceptProperties.writers(),
				acceptProperties.maxGroup(), groups::record, MessageService::itemSpecific);
	}

	/** A failure one message may have caused; not one of a database that cannot be reached. */
	private static boolean itemSpecific(RuntimeException ex) {
		return !(ex instanceof DataAccessResourceFailureException || ex instanceof TransientDataAccessException
				|| ex instanceof TransactionException);
	}

	@PreDestroy
	void stopWriters() {
		groupCommit.close();
	}

	/** What a request produced, and whether it is a replay of an earlier one (Idempotency-Key). */
	public record Outcome<T>(int status, T body, String rawBody, boolean replayed) {
	}

	public Outcome<AcceptedMessage> accept(Caller caller, SendRequest request, String idempotencyKey) {
		checkKey(idempotencyKey);
		byte[] hash = idempotencyKey == null ? null : IdempotencyRecords.hash(canonicalJson.writeValueAsBytes(request));
		Optional<Outcome<AcceptedMessage>> replay = replay(caller, idempotencyKey, hash, AcceptedMessage.class);
		if (replay.isPresent()) {
			return replay.get();
		}
		PreparedMessage prepared = preparer.prepare(caller, request);
		if (idempotencyKey == null) {
			// Stored together with what other requests hand in at the same moment: one commit for many.
			return new Outcome<>(202, groupCommit.submit(prepared, acceptProperties.storeTimeout()), null, false);
		}
		return transactions.execute(tx -> {
			Instant now = clock.instant();
			AcceptedMessage accepted = storeAll(List.of(prepared), now).get(0);
			if (idempotencyKey != null) {
				String body = json.writeValueAsString(accepted);
				if (!idempotency.claim(caller.scope(), idempotencyKey, hash, 202, body, now)) {
					tx.setRollbackOnly();
					return replay(caller, idempotencyKey, hash, AcceptedMessage.class).orElseThrow();
				}
			}
			return new Outcome<>(202, accepted, null, false);
		});
	}

	/**
	 * Accepts a batch (SPEC §2 {@code POST /messages/batch}): each message is read, validated and
	 * rendered on its own, and those that pass are stored together in one transaction. The
	 * response lists, in request order, each accepted message or its problem document: 202 when all
	 * were accepted, 207 when some were; when none was, nothing is stored and the status is 422
	 * (the caller turns that into a problem document). An Idempotency-Key covers the whole batch;
	 * the stored response is replayed byte for byte.
	 */
	public Outcome<BatchResponse> acceptBatch(Caller caller, BatchRequest request, String idempotencyKey) {
		checkKey(idempotencyKey);
		List<JsonNode> items = request.messages();
		if (items == null || items.isEmpty()) {
			throw ProblemException.invalid(List.of(new FieldProblem("messages", "at least one message is required")));
		}
		if (items.size() > limits.maxBatchSize()) {
			throw ProblemException.invalid(List.of(new FieldProblem("messages",
					"at most " + limits.maxBatchSize() + " messages are allowed per batch, got " + items.size())));
		}
		byte[] hash = idempotencyKey == null ? null
				: IdempotencyRecords.hash(canonicalJson.writeValueAsBytes(json.treeToValue(json.valueToTree(request), Object.class)));
		Optional<Outcome<BatchResponse>> replay = replayRaw(caller, idempotencyKey, hash);
		if (replay.isPresent()) {
			return replay.get();
		}
		Object[] results = batchPreparer.prepare(caller, items);
		List<PreparedMessage> prepared = new ArrayList<>(items.size());
		List<Integer> positions = new ArrayList<>(items.size());
		for (int i = 0; i < results.length; i++) {
			if (results[i] instanceof PreparedMessage message) {
				prepared.add(message);
				positions.add(i);
			}
		}
		if (prepared.isEmpty()) {
			return new Outcome<>(422, new BatchResponse(Arrays.asList(results)), null, false);
		}
		int status = prepared.size() == items.size() ? 202 : 207;
		return transactions.execute(tx -> {
			Instant now = clock.instant();
			List<AcceptedMessage> accepted = storeAll(prepared, now);
			for (int i = 0; i < accepted.size(); i++) {
				results[positions.get(i)] = accepted.get(i);
			}
			BatchResponse response = new BatchResponse(Arrays.asList(results));
			String body = json.writeValueAsString(response);
			if (idempotencyKey != null && !idempotency.claim(caller.scope(), idempotencyKey, hash, status, body, now)) {
				tx.setRollbackOnly();
				return replayRaw(caller, idempotencyKey, hash).orElseThrow();
			}
			return new Outcome<>(status, response, body, false);
		});
	}

	/**
	 * Cancels what has not been sent of a message (SPEC §2 {@code POST /messages/{id}/cancel}):
	 * recipients that are scheduled, queued or deferred. Recipients being sent right now, or
	 * finished, are left alone.
	 * @return the number of recipients cancelled
	 * @throws ProblemException 404 when there is no such message, 409 when nothing was cancellable
	 */
	public int cancel(UUID messageId) {
		Integer cancelled = transactions.execute(tx -> store.cancel(messageId, clock.instant()).size());
		if (cancelled == null || cancelled == 0) {
			List<RecipientStatus> statuses = store.recipientStatuses(messageId);
			if (statuses.isEmpty()) {
				throw new ProblemException(ProblemType.NOT_FOUND, "No message " + Messages.publicId(messageId));
			}
			throw new ProblemException(ProblemType.CONFLICT,
					"Nothing to cancel: no recipient is scheduled, queued or deferred (they are "
							+ statuses.stream().map(RecipientStatus::label).distinct().toList() + ")");
		}
		return cancelled;
	}

	List<AcceptedMessage> storeAll(List<PreparedMessage> messages, Instant now) {
		Set<String> suppressed = store.suppressed(messages, now);
		Map<UUID, RecipientStatus> statuses = store.insert(messages, suppressed);
		long suppressedCount = statuses.values().stream().filter(s -> s == RecipientStatus.SUPPRESSED).count();
		if (suppressedCount > 0) {
			Counter.builder("mailroom.deliveries").tag("outcome", "suppressed").register(meters).increment(suppressedCount);
		}
		messages.forEach(m -> Counter.builder("mailroom.messages.accepted")
			.description("Messages accepted through the API")
			.tag("template", m.rendered().name())
			.register(meters)
			.increment());
		return messages.stream().map(m -> accepted(m, statuses)).toList();
	}

	private static AcceptedMessage accepted(PreparedMessage m, Map<UUID, RecipientStatus> statuses) {
		List<AcceptedMessage.Recipient> recipients = m.recipients()
			.stream()
			.map(r -> new AcceptedMessage.Recipient(r.address().toString(), statuses.get(r.id()).label()))
			.toList();
		RecipientStatus summary = RecipientStatus.summary(m.recipients().stream().map(r -> statuses.get(r.id())).toList());
		return new AcceptedMessage(m.publicId(), summary.label(), recipients, m.createdAt());
	}

	private <T> Optional<Outcome<T>> replay(Caller caller, String key, byte[] hash, Class<T> type) {
		if (key == null) {
			return Optional.empty();
		}
		return idempotency.find(caller.scope(), key, clock.instant()).map(stored -> {
			if (!stored.matches(hash)) {
				throw new ProblemException(ProblemType.IDEMPOTENCY_KEY_REUSED,
						"Idempotency-Key '" + key + "' was used within 24 hours with a different request body");
			}
			return new Outcome<>(stored.status(), json.readValue(stored.body(), type), stored.body(), true);
		});
	}

	/** A replay of a stored response as it was sent (batches: the body mixes accepted messages and problems). */
	private Optional<Outcome<BatchResponse>> replayRaw(Caller caller, String key, byte[] hash) {
		if (key == null) {
			return Optional.empty();
		}
		return idempotency.find(caller.scope(), key, clock.instant()).map(stored -> {
			if (!stored.matches(hash)) {
				throw new ProblemException(ProblemType.IDEMPOTENCY_KEY_REUSED,
						"Idempotency-Key '" + key + "' was used within 24 hours with a different request body");
			}
			return new Outcome<>(stored.status(), null, stored.body(), true);
		});
	}

	private static void checkKey(String key) {
		if (key != null && (key.isEmpty() || key.length() > IdempotencyRecords.MAX_KEY_LENGTH
				|| key.chars().anyMatch(c -> c < 0x20 || c == 0x7f))) {
			throw ProblemException.invalid(List.of(new FieldProblem("Idempotency-Key",
					"must be 1 to 255 printable characters")));
		}
	}

}
