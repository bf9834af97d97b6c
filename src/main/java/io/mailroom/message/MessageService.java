package io.mailroom.message;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.mailroom.security.Caller;
import io.mailroom.web.ProblemException;
import io.mailroom.web.ProblemType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Service;
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

	MessageService(MessagePreparer preparer, MessageStore store, IdempotencyRecords idempotency,
			TransactionTemplate transactions, JsonMapper json, MeterRegistry meters, Clock clock) {
		this.preparer = preparer;
		this.store = store;
		this.idempotency = idempotency;
		this.transactions = transactions;
		this.json = json;
		this.canonicalJson = json.rebuild().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();
		this.meters = meters;
		this.clock = clock;
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

	private static void checkKey(String key) {
		if (key != null && (key.isEmpty() || key.length() > IdempotencyRecords.MAX_KEY_LENGTH
				|| key.chars().anyMatch(c -> c < 0x20 || c == 0x7f))) {
			throw ProblemException.invalid(List.of(new io.mailroom.web.FieldProblem("Idempotency-Key",
					"must be 1 to 255 printable characters")));
		}
	}

}
