package io.mailroom.bounce;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mailroom.delivery.VerpAddress;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Finds which of our recipients an inbound report is about. The VERP return path is the evidence
 * that counts: its token names the recipient row and is signed, so it cannot be made up. Only a
 * report that carries no VERP address of ours at all falls back to the returned Message-ID plus the
 * reported address; one that carries a token we did not issue (forged, or from another
 * installation) matches nothing.
 */
@Component
class BounceMatcher {

	private static final TypeReference<Map<String, String>> METADATA = new TypeReference<>() {
	};

	/** VERP addresses anywhere in the message: the returned copy's Return-Path carries one too. */
	private static final Pattern VERP = Pattern.compile("bounces\\+[^\\s@<>\"'(),;:\\[\\]]+@[A-Za-z0-9.-]*[A-Za-z0-9]",
			Pattern.CASE_INSENSITIVE);

	/** Scanning stops here: a VERP address is in the headers or the first lines of a report. */
	private static final int SCAN_LIMIT = 1024 * 1024;

	/** One of our recipients, with what its events need. */
	record Recipient(UUID id, UUID messageId, String email, String status, String template, List<String> tags,
			Map<String, String> metadata, boolean test) {
	}

	/** A recipient the report is about, and the report's entry for it (null when it names nobody usable). */
	record Target(Recipient recipient, BouncedRecipient reported) {
	}

	/**
	 * @param via {@code verp} or {@code message-id}; null when nothing matched
	 * @param note why nothing matched, or null
	 */
	record Match(List<Target> targets, String via, String note) {

		boolean matched() {
			return !targets.isEmpty();
		}

		static Match none(String note) {
			return new Match(List.of(), null, note);
		}

	}

	private final VerpAddress verp;

	private final JdbcClient jdbc;

	private final JsonMapper json;

	BounceMatcher(VerpAddress verp, JdbcClient jdbc, JsonMapper json) {
		this.verp = verp;
		this.jdbc = jdbc;
		this.json = json;
	}

	/**
	 * @param envelopeRecipients where the SMTP listener received it (the strongest VERP evidence);
	 * empty for HTTP
	 * @param testOnly match only messages sent with test-mode keys (a test key cannot touch live
	 * mail)
	 */
	Match match(BounceReport report, byte[] raw, List<String> envelopeRecipients, boolean testOnly) {
		Set<String> candidates = new LinkedHashSet<>(envelopeRecipients);
		if (report.verpAddress() != null) {
			candidates.add(report.verpAddress());
		}
		candidates.addAll(scan(raw));
		boolean oursButUnknown = false;
		for (String address : candidates) {
			Optional<UUID> id = verp.recipientOf(address);
			if (id.isPresent()) {
				Optional<Recipient> recipient = recipient(id.get(), testOnly);
				if (recipient.isPresent()) {
					return new Match(List.of(new Target(recipient.get(), reportedFor(recipient.get(), report))),
							"verp", null);
				}
				oursButUnknown = true;
			}
			else if (isOurs(address)) {
				oursButUnknown = true;
			}
		}
		if (oursButUnknown) {
			return Match.none("the VERP address names no recipient of ours (forged, or the message was deleted)");
		}
		return byMessageId(report, testOnly);
	}

	private Match byMessageId(BounceReport report, boolean testOnly) {
		String messageId = report.originalMessageId();
		if (messageId == null || messageId.isBlank()) {
			return Match.none("no VERP address and no returned Message-ID to match on");
		}
		String bare = messageId.trim().replaceAll("^<|>$", "");
		List<Recipient> recipients = jdbc.sql(SELECT + """
				 where m.message_id_header in (:bracketed, :bare) and (not :testOnly or m.test)
				order by r.seq""")
			.param("bracketed", "<" + bare + ">")
			.param("bare", bare)
			.param("testOnly", testOnly)
			.query((rs, n) -> recipient(rs))
			.list();
		if (recipients.isEmpty()) {
			return Match.none("the returned Message-ID <" + bare + "> is not one of our messages");
		}
		List<Target> targets = new ArrayList<>();
		for (BouncedRecipient reported : report.recipients()) {
			String key = SuppressionList.key(reported.email());
			recipients.stream()
				.filter(r -> SuppressionList.key(r.email()).equals(key))
				.findFirst()
				.filter(r -> targets.stream().noneMatch(t -> t.recipient().id().equals(r.id())))
				.ifPresent(r -> targets.add(new Target(r, reported)));
		}
		// Complaint reports often redact the complainer's address; with one recipient there is no doubt.
		if (targets.isEmpty() && report.type() == BounceReport.Type.COMPLAINT && recipients.size() == 1) {
			targets.add(new Target(recipients.get(0), null));
		}
		if (targets.isEmpty()) {
			return Match.none("message <" + bare + "> has no recipient the report names");
		}
		return new Match(targets, "message-id", null);
	}

	/** The report's entry for the recipient: the same address, else (forwarded mail) the only or the first failure. */
	private static BouncedRecipient reportedFor(Recipient recipient, BounceReport report) {
		String key = SuppressionList.key(recipient.email());
		List<BouncedRecipient> entries = report.recipients();
		return entries.stream()
			.filter(e -> SuppressionList.key(e.email()).equals(key))
			.findFirst()
			.or(() -> entries.stream().filter(e -> "failed".equals(e.action()) || e.permanent()).findFirst())
			.or(() -> entries.stream().findFirst())
			.orElse(null);
	}

	private boolean isOurs(String address) {
		int at = address.lastIndexOf('@');
		String domain = address.substring(at + 1).replaceAll(">$", "").trim();
		return at > 0 && domain.equalsIgnoreCase(verp.domain())
				&& address.trim().replaceAll("^<", "").toLowerCase(Locale.ROOT).startsWith("bounces+");
	}

	private static List<String> scan(byte[] raw) {
		String text = new String(raw, 0, Math.min(raw.length, SCAN_LIMIT), StandardCharsets.ISO_8859_1);
		List<String> found = new ArrayList<>();
		Matcher m = VERP.matcher(text);
		while (m.find() && found.size() < 20) {
			found.add(m.group());
		}
		return found;
	}

	private static final String SELECT = """
			select r.id, r.message_id, r.email, r.status, m.template, m.tags, m.metadata::text, m.test
			from recipient r join message m on m.id = r.message_id""";

	Optional<Recipient> recipient(UUID id, boolean testOnly) {
		return jdbc.sql(SELECT + " where r.id = :id and (not :testOnly or m.test)")
			.param("id", id)
			.param("testOnly", testOnly)
			.query((rs, n) -> recipient(rs))
			.optional();
	}

	private Recipient recipient(java.sql.ResultSet rs) throws java.sql.SQLException {
		return new Recipient(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3),
				rs.getString(4), rs.getString(5), Arrays.asList((String[]) rs.getArray(6).getArray()),
				json.readValue(rs.getString(7), METADATA), rs.getBoolean(8));
	}

}
