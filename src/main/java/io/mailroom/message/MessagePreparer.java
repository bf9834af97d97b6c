package io.mailroom.message;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import io.mailroom.common.Ids;
import io.mailroom.common.HostName;
import io.mailroom.delivery.VerpAddress;
import io.mailroom.security.Caller;
import io.mailroom.template.MailTemplates;
import io.mailroom.template.RenderedTemplate;
import io.mailroom.web.FieldProblem;
import io.mailroom.web.ProblemException;
import io.mailroom.web.RequestLimits;
import jakarta.mail.internet.InternetAddress;

import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Turns a {@link SendRequest} into a {@link PreparedMessage}: validates it, renders the template
 * and composes the MIME message. Rendering happens here, at accept time, so that a template error
 * is the caller's 422 and never a failed delivery later.
 */
@Component
class MessagePreparer {

	static final Set<String> RESERVED_HEADERS = Set.of("from", "to", "cc", "bcc", "subject", "date", "message-id",
			"mime-version", "dkim-signature", "return-path", "received", "sender", "reply-to");

	static final Set<String> ALLOWED_CONTENT_TYPES = Set.of("application/pdf", "application/zip", "application/json",
			"application/xml", "application/msword", "application/vnd.ms-excel", "application/octet-stream",
			"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
			"application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
			"image/png", "image/jpeg", "image/gif", "image/webp", "text/plain", "text/csv", "text/calendar");

	private static final Pattern HEADER_NAME = Pattern.compile("[\\x21-\\x39\\x3b-\\x7e]{1,76}");

	private static final Pattern WHITESPACE = Pattern.compile("[\\s]+");

	private static final Duration MAX_SCHEDULE_AHEAD = Duration.ofDays(30);

	private static final Duration PAST_TOLERANCE = Duration.ofMinutes(1);

	private final MailTemplates templates;

	private final MimeComposer composer;

	private final RequestLimits limits;

	private final SenderProperties senders;

	private final VerpAddress verp;

	private final Clock clock;

	private final EmailAddress defaultSender;

	MessagePreparer(MailTemplates templates, MimeComposer composer, RequestLimits limits, SenderProperties senders,
			VerpAddress verp, Clock clock) {
		this.templates = templates;
		this.composer = composer;
		this.limits = limits;
		this.senders = senders;
		this.verp = verp;
		this.clock = clock;
		this.defaultSender = EmailAddress.parse(StringUtils.hasText(senders.defaultAddress())
				? senders.defaultAddress() : "mailroom@" + HostName.domain());
	}

	PreparedMessage prepare(Caller caller, SendRequest request) {
		if (request == null) {
			throw ProblemException.invalid(List.of(new FieldProblem("", "a message object is required")));
		}
		Instant now = clock.instant();
		List<FieldProblem> errors = new ArrayList<>();
		if (!StringUtils.hasText(request.template())) {
			errors.add(new FieldProblem("template", "is required"));
		}
		else if (!templateName(request.template())) {
			errors.add(new FieldProblem("template", "is not a template name (letters, digits, '.', '_', '-')"));
		}
		List<PreparedMessage.Recipient> recipients = recipients(request, errors);
		EmailAddress from = defaultSender;
		String fromName = senders.defaultName();
		if (request.from() != null) {
			from = address("from.email", request.from().email(), errors);
			fromName = displayName("from.name", request.from().name(), errors);
			if (from != null && !senderAllowed(from)) {
				errors.add(new FieldProblem("from.email", "is not an allowed sender (mailroom.sender.allowed)"));
			}
		}
		if (request.replyTo() != null) {
			address("replyTo", request.replyTo(), errors);
		}
		if (request.subject() != null) {
			headerValue("subject", request.subject(), errors);
			if (request.subject().getBytes(StandardCharsets.UTF_8).length > limits.maxSubjectOctets()) {
				errors.add(new FieldProblem("subject", "is longer than " + limits.maxSubjectOctets() + " octets"));
			}
		}
		Locale locale = locale(request.locale(), errors);
		Map<String, String> headers = headers(request.headers(), errors);
		List<String> tags = tags(request.tags(), errors);
		Map<String, String> metadata = metadata(request.metadata(), errors);
		Priority priority = priority(request, errors);
		String category = category(request.category(), errors);
		Instant sendAt = sendAt(request.sendAt(), now, errors);
		List<MimeComposer.Part> attachments = attachments(request.attachments(), errors);
		if (!errors.isEmpty()) {
			throw ProblemException.invalid(errors);
		}

		RenderedTemplate rendered = templates.render(request.template(), locale,
				request.data() == null ? Map.of() : request.data());
		String subject = request.subject() != null ? request.subject() : rendered.subject();
		if (subject == null || subject.isBlank()) {
			throw ProblemException.invalid(List.of(new FieldProblem("subject", "is required (the template has none)")));
		}
		List<FieldProblem> subjectErrors = new ArrayList<>();
		headerValue("subject", subject, subjectErrors);
		if (!subjectErrors.isEmpty()) {
			throw ProblemException.invalid(subjectErrors);
		}
		if (rendered.marketing()) {
			category = "marketing";
		}

		UUID id = Ids.next();
		String messageIdHeader = "<" + id + "@" + verp.domain() + ">";
		List<InternetAddress> to = recipients.stream()
			.filter(r -> r.kind().equals("to"))
			.map(r -> MimeComposer.address(r.address().toString(), r.name()))
			.toList();
		List<InternetAddress> cc = recipients.stream()
			.filter(r -> r.kind().equals("cc"))
			.map(r -> MimeComposer.address(r.address().toString(), r.name()))
			.toList();
		// encoded once, for the MIME and for the stored bodies
		byte[] textUtf8 = utf8(rendered.text());
		byte[] htmlUtf8 = utf8(rendered.html());
		byte[] mime = composer.compose(new MimeComposer.Composition(messageIdHeader,
				MimeComposer.address(from.toString(), fromName), to, cc, request.replyTo(), subject, rendered.text(),
				rendered.html(), headers, attachments, textUtf8, htmlUtf8));
		return new PreparedMessage(id, caller, rendered, locale.toLanguageTag(), category, from, fromName,
				request.replyTo(), subject, mime, messageIdHeader, recipients, tags, metadata, priority, sendAt, now,
				textUtf8, htmlUtf8);
	}

	private static byte[] utf8(String s) {
		return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
	}

	private List<PreparedMessage.Recipient> recipients(SendRequest request, List<FieldProblem> errors) {
		List<PreparedMessage.Recipient> result = new ArrayList<>();
		if (request.to() == null || request.to().isEmpty()) {
			errors.add(new FieldProblem("to", "at least one recipient is required"));
		}
		int total = size(request.to()) + size(request.cc()) + size(request.bcc());
		if (total > limits.maxRecipients()) {
			errors.add(new FieldProblem("to", "at most " + limits.maxRecipients() + " recipients (to, cc and bcc) are allowed, got " + total));
			return result;
		}
		Set<String> seen = new HashSet<>();
		addRecipients("to", request.to(), seen, result, errors);
		addRecipients("cc", request.cc(), seen, result, errors);
		addRecipients("bcc", request.bcc(), seen, result, errors);
		return result;
	}

	private void addRecipients(String kind, List<SendRequest.Address> addresses, Set<String> seen,
			List<PreparedMessage.Recipient> result, List<FieldProblem> errors) {
		if (addresses == null) {
			return;
		}
		for (int i = 0; i < addresses.size(); i++) {
			SendRequest.Address a = addresses.get(i);
			String path = kind + "[" + i + "]";
			if (a == null) {
				errors.add(new FieldProblem(path, "must be an object with an email"));
				continue;
			}
			EmailAddress email = address(path + ".email", a.email(), errors);
			String name = displayName(path + ".name", a.name(), errors);
			// One delivery per address: a second mention (in cc after to, say) adds nothing.
			if (email != null && seen.add(email.normalized())) {
				result.add(new PreparedMessage.Recipient(Ids.next(), result.size(), kind, email, name));
			}
		}
	}

	private static EmailAddress address(String field, String value, List<FieldProblem> errors) {
		try {
			return EmailAddress.parse(value);
		}
		catch (IllegalArgumentException ex) {
			errors.add(new FieldProblem(field, ex.getMessage()));
			return null;
		}
	}

	private static String displayName(String field, String value, List<FieldProblem> errors) {
		if (value == null) {
			return null;
		}
		headerValue(field, value, errors);
		if (value.length() > 256) {
			errors.add(new FieldProblem(field, "is longer than 256 characters"));
		}
		return value;
	}

	/** CR, LF and NUL would let a value start a new header (header injection). */
	private static void headerValue(String field, String value, List<FieldProblem> errors) {
		if (hasLineBreakOrNul(value)) {
			errors.add(new FieldProblem(field, "must not contain CR, LF or NUL"));
		}
		else if (hasLoneSurrogate(value)) {
			errors.add(new FieldProblem(field, "must be valid Unicode (it has an unpaired surrogate)"));
		}
	}

	/** A lone UTF-16 surrogate cannot be encoded as UTF-8: it would reach the wire as garbage. */
	private static boolean hasLoneSurrogate(String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (Character.isHighSurrogate(c)) {
				if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
					return true;
				}
				i++;
			}
			else if (Character.isLowSurrogate(c)) {
				return true;
			}
		}
		return false;
	}

	private static boolean hasLineBreakOrNul(String value) {
		return value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0;
	}

	private boolean senderAllowed(EmailAddress from) {
		for (String allowed : senders.allowed()) {
			String a = allowed.trim();
			if (a.equals("*") || a.equalsIgnoreCase(from.normalized())
					|| (a.startsWith("@") && a.substring(1).equalsIgnoreCase(from.asciiDomain()))) {
				return true;
			}
		}
		return false;
	}

	private static Locale locale(String tag, List<FieldProblem> errors) {
		if (tag == null) {
			return Locale.ENGLISH;
		}
		Locale locale = Locale.forLanguageTag(tag);
		if (tag.length() > 35 || locale.getLanguage().isEmpty()) {
			errors.add(new FieldProblem("locale", "is not a language tag such as 'en' or 'de-AT'"));
			return Locale.ENGLISH;
		}
		return locale;
	}

	private static Map<String, String> headers(Map<String, String> headers, List<FieldProblem> errors) {
		Map<String, String> result = new LinkedHashMap<>();
		if (headers == null) {
			return result;
		}
		for (Map.Entry<String, String> h : headers.entrySet()) {
			String field = "headers." + h.getKey();
			String name = h.getKey();
			if (name == null || !HEADER_NAME.matcher(name).matches()) {
				errors.add(new FieldProblem(field, "is not a valid header name"));
				continue;
			}
			String lower = name.toLowerCase(Locale.ROOT);
			if (RESERVED_HEADERS.contains(lower) || lower.startsWith("content-") || lower.startsWith("list-unsubscribe")) {
				errors.add(new FieldProblem(field, "is a reserved header that mailroom sets itself"));
				continue;
			}
			if (h.getValue() == null) {
				errors.add(new FieldProblem(field, "must have a value"));
				continue;
			}
			headerValue(field, h.getValue(), errors);
			if (h.getValue().length() > 998) {
				errors.add(new FieldProblem(field, "is longer than 998 characters"));
			}
			result.put(name, h.getValue());
		}
		return result;
	}

	private static List<String> tags(List<String> tags, List<FieldProblem> errors) {
		if (tags == null) {
			return List.of();
		}
		if (tags.size() > 10) {
			errors.add(new FieldProblem("tags", "at most 10 tags are allowed"));
		}
		for (int i = 0; i < tags.size(); i++) {
			String tag = tags.get(i);
			if (tag == null || tag.isBlank() || tag.length() > 64 || tag.chars().anyMatch(Character::isISOControl)) {
				errors.add(new FieldProblem("tags[" + i + "]", "must be 1 to 64 printable characters"));
			}
		}
		return List.copyOf(tags.stream().filter(t -> t != null).toList());
	}

	private static Map<String, String> metadata(Map<String, String> metadata, List<FieldProblem> errors) {
		if (metadata == null) {
			return Map.of();
		}
		if (metadata.size() > 20) {
			errors.add(new FieldProblem("metadata", "at most 20 keys are allowed"));
		}
		for (Map.Entry<String, String> e : metadata.entrySet()) {
			// jsonb holds no NUL (PostgreSQL refuses \u0000 even escaped)
			if (e.getKey().isEmpty() || e.getKey().length() > 64 || e.getKey().indexOf('\0') >= 0) {
				errors.add(new FieldProblem("metadata", "keys must be 1 to 64 characters, without NUL"));
			}
			if (e.getValue() == null || e.getValue().length() > 500 || e.getValue().indexOf('\0') >= 0) {
				errors.add(new FieldProblem("metadata." + e.getKey(), "must be a string of at most 500 characters"));
			}
		}
		return new LinkedHashMap<>(metadata);
	}

	/**
	 * Whether a name could be a template's: {@code [A-Za-z0-9][A-Za-z0-9._-]{0,99}}, checked by
	 * hand (it runs for every message; the expression was 1–2 % of a batch's CPU).
	 */
	static boolean templateName(String name) {
		int n = name.length();
		if (n == 0 || n > 100) {
			return false;
		}
		for (int i = 0; i < n; i++) {
			char c = name.charAt(i);
			boolean alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
			if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) {
				return false;
			}
		}
		return true;
	}

	private Priority priority(SendRequest request, List<FieldProblem> errors) {
		if (request.priority() == null) {
			if (request.template() == null || !templateName(request.template())
				|| !templates.exists(request.template())) {
				return Priority.NORMAL;
			}
			return Priority.parse(templates.describe(request.template()).defaultPriority());
		}
		try {
			return Priority.parse(request.priority());
		}
		catch (IllegalArgumentException ex) {
			errors.add(new FieldProblem("priority", "must be high, normal or low"));
			return Priority.NORMAL;
		}
	}

	private static String category(String category, List<FieldProblem> errors) {
		if (category == null) {
			return "transactional";
		}
		if (!category.equals("transactional") && !category.equals("marketing")) {
			errors.add(new FieldProblem("category", "must be transactional or marketing"));
		}
		return category;
	}

	private static Instant sendAt(Instant sendAt, Instant now, List<FieldProblem> errors) {
		if (sendAt == null) {
			return null;
		}
		if (sendAt.isBefore(now.minus(PAST_TOLERANCE))) {
			errors.add(new FieldProblem("sendAt", "is in the past"));
		}
		else if (sendAt.isAfter(now.plus(MAX_SCHEDULE_AHEAD))) {
			errors.add(new FieldProblem("sendAt", "is more than 30 days ahead"));
		}
		return sendAt.isAfter(now) ? sendAt : null;
	}

	private List<MimeComposer.Part> attachments(List<SendRequest.Attachment> attachments, List<FieldProblem> errors) {
		List<MimeComposer.Part> parts = new ArrayList<>();
		if (attachments == null) {
			return parts;
		}
		long total = 0;
		for (int i = 0; i < attachments.size(); i++) {
			SendRequest.Attachment a = attachments.get(i);
			String path = "attachments[" + i + "]";
			if (a == null) {
				errors.add(new FieldProblem(path, "must be an object"));
				continue;
			}
			String filename = a.filename() == null ? null : sanitizeFilename(a.filename());
			if (a.filename() != null && hasLineBreakOrNul(a.filename())) {
				// A line break in a name is an injection attempt, not something to clean up quietly.
				errors.add(new FieldProblem(path + ".filename", "must not contain CR, LF or NUL"));
			}
			else if (filename == null || filename.isEmpty()) {
				errors.add(new FieldProblem(path + ".filename", "is required"));
			}
			String type = a.contentType() == null ? null : a.contentType().toLowerCase(Locale.ROOT).trim();
			if (type == null || !ALLOWED_CONTENT_TYPES.contains(type)) {
				errors.add(new FieldProblem(path + ".contentType", "is not an allowed attachment type"));
			}
			boolean inline = Boolean.TRUE.equals(a.inline());
			if (inline && (a.contentId() == null || !a.contentId().matches("[A-Za-z0-9._@-]{1,100}"))) {
				errors.add(new FieldProblem(path + ".contentId", "is required for inline parts (letters, digits, . _ @ -)"));
			}
			byte[] content;
			try {
				// Line breaks (MIME-style 76-column base64) are fine; anything else outside the
				// alphabet is an error, not something to skip as the MIME decoder would.
				content = a.content() == null ? null
						: Base64.getDecoder().decode(WHITESPACE.matcher(a.content()).replaceAll(""));
			}
			catch (IllegalArgumentException ex) {
				content = null;
			}
			if (content == null) {
				errors.add(new FieldProblem(path + ".content", "must be base64"));
				continue;
			}
			total += content.length;
			parts.add(new MimeComposer.Part(filename, type, content, inline, a.contentId()));
		}
		if (total > limits.maxAttachmentsSize().toBytes()) {
			errors.add(new FieldProblem("attachments", "total more than " + limits.maxAttachmentsSize().toBytes() + " bytes"));
		}
		return parts;
	}

	/** Keeps the last path segment and drops control characters, so a name cannot steer a client's save path. */
	static String sanitizeFilename(String name) {
		String base = name.replace('\\', '/');
		base = base.substring(base.lastIndexOf('/') + 1);
		base = base.replaceAll("[\\p{Cntrl}\"]", "").trim();
		if (base.equals(".") || base.equals("..")) {
			return "";
		}
		return base.length() > 200 ? base.substring(base.length() - 200) : base;
	}

	private static int size(List<?> list) {
		return list == null ? 0 : list.size();
	}

}
