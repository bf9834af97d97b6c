package io.mailroom.bounce;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.internet.MimeUtility;

/**
 * A bounce message taken apart leniently. Bounces are often malformed (missing boundaries,
 * mislabelled parts, 8-bit headers), so this parser never throws: whatever cannot be split is kept
 * as text. Jakarta Mail's {@link MimeUtility} decodes transfer encodings and encoded words.
 */
final class MailMessage {

	/** One leaf of the MIME tree; message/rfc822 parts are leaves holding the returned message. */
	record Part(String contentType, Headers headers, String text) {
	}

	/** Header fields, names lower-cased, values unfolded, in order. */
	static final class Headers {

		private final Map<String, List<String>> fields = new LinkedHashMap<>();

		void add(String name, String value) {
			this.fields.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(value);
		}

		String first(String name) {
			List<String> values = this.fields.get(name.toLowerCase(Locale.ROOT));
			return values == null || values.isEmpty() ? "" : values.get(0);
		}

		List<String> all(String name) {
			return this.fields.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
		}

		boolean has(String name) {
			return this.fields.containsKey(name.toLowerCase(Locale.ROOT));
		}

		/** The decoded value (RFC 2047 encoded words resolved). */
		String decoded(String name) {
			return decodeWords(first(name));
		}

	}

	private static final Pattern BOUNDARY = Pattern.compile("boundary\\s*=\\s*(?:\"([^\"]+)\"|([^\\s;]+))",
			Pattern.CASE_INSENSITIVE);

	private static final Pattern CHARSET = Pattern.compile("charset\\s*=\\s*\"?([\\w.:-]+)\"?", Pattern.CASE_INSENSITIVE);

	private final Headers headers;

	private final List<Part> parts;

	private final String body;

	private MailMessage(Headers headers, List<Part> parts, String body) {
		this.headers = headers;
		this.parts = parts;
		this.body = body;
	}

	static MailMessage parse(byte[] raw) {
		String text = new String(raw, StandardCharsets.ISO_8859_1).replace("\r\n", "\n").replace('\r', '\n');
		int split = headerEnd(text);
		Headers headers = parseHeaders(text.substring(0, split));
		String rawBody = split < text.length() ? text.substring(split) : "";
		List<Part> parts = new ArrayList<>();
		collect(headers, rawBody, parts, 0);
		return new MailMessage(headers, parts, decodeBody(headers, rawBody));
	}

	/** The message attached as message/rfc822, parsed, or null when there is none. */
	static MailMessage parseAttached(byte[] raw) {
		MailMessage outer = parse(raw);
		for (Part p : outer.parts) {
			if (p.contentType().equals("message/rfc822") && !p.text().isBlank()) {
				return parse(p.text().getBytes(StandardCharsets.UTF_8));
			}
		}
		return null;
	}

	Headers headers() {
		return this.headers;
	}

	List<Part> parts() {
		return this.parts;
	}

	/** The decoded body as one text, MIME structure included; what text-only formats read. */
	String body() {
		return this.body;
	}

	String subject() {
		return this.headers.decoded("subject");
	}

	String from() {
		return this.headers.decoded("from");
	}

	/** The first part of the type, or null. */
	Part part(String contentType) {
		for (Part p : this.parts) {
			if (p.contentType().equals(contentType)) {
				return p;
			}
		}
		return null;
	}

	/** The human-readable text: the first text/plain part, else the body. */
	String readableText() {
		for (Part p : this.parts) {
			if (p.contentType().equals("text/plain")) {
				return p.text();
			}
		}
		for (Part p : this.parts) {
			if (p.contentType().equals("text/html")) {
				return p.text().replaceAll("(?i)<br\\s*/?>|</p>|</div>|</tr>", "\n").replaceAll("<[^>]*>", " ")
					.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
			}
		}
		return this.body;
	}

	/** The returned original message (or its headers), or "" when the bounce does not include it. */
	String returnedMessage() {
		for (Part p : this.parts) {
			String t = p.contentType();
			if (t.equals("message/rfc822") || t.equals("text/rfc822-headers") || t.equals("message/rfc822-headers")
					|| t.equals("message/partial")) {
				return p.text();
			}
		}
		return "";
	}

	private static int headerEnd(String text) {
		if (text.startsWith("\n")) {
			return 1;
		}
		int at = text.indexOf("\n\n");
		return at < 0 ? text.length() : at + 2;
	}

	static Headers parseHeaders(String block) {
		Headers headers = new Headers();
		String name = null;
		StringBuilder value = new StringBuilder();
		for (String line : block.split("\n")) {
			if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
				if (name != null) {
					value.append(' ').append(line.trim());
				}
				continue;
			}
			if (name != null) {
				headers.add(name, value.toString().trim());
				name = null;
			}
			int colon = line.indexOf(':');
			if (colon > 0 && line.substring(0, colon).matches("[!-9;-~]+")) {
				name = line.substring(0, colon);
				value.setLength(0);
				value.append(line.substring(colon + 1));
			}
		}
		if (name != null) {
			headers.add(name, value.toString().trim());
		}
		return headers;
	}

	static String mimeType(Headers headers) {
		String ct = headers.first("content-type");
		if (ct.isEmpty()) {
			return "text/plain";
		}
		// some MTAs fold the parameters without the ';' separator
		String type = ct.trim().split("[;\\s]", 2)[0];
		return type.toLowerCase(Locale.ROOT);
	}

	private static void collect(Headers headers, String rawBody, List<Part> out, int depth) {
		String type = mimeType(headers);
		if (type.startsWith("multipart/") && depth < 8) {
			Matcher m = BOUNDARY.matcher(headers.first("content-type"));
			String boundary = m.find() ? (m.group(1) != null ? m.group(1) : m.group(2)) : guessBoundary(rawBody);
			if (boundary != null) {
				List<String> pieces = split(rawBody, boundary);
				if (!pieces.isEmpty()) {
					for (String piece : pieces) {
						int split = headerEnd(piece);
						Headers partHeaders = parseHeaders(piece.substring(0, split));
						String partBody = split < piece.length() ? piece.substring(split) : "";
						if (!partHeaders.has("content-type") && !piece.startsWith("\n")
								&& partHeaders.fields.isEmpty()) {
							partBody = piece;
						}
						collect(partHeaders, partBody, out, depth + 1);
					}
					return;
				}
			}
		}
		if (type.equals("message/rfc822") || type.startsWith("text/rfc822") || type.equals("message/rfc822-headers")) {
			out.add(new Part(type, headers, decodeBody(headers, rawBody)));
			return;
		}
		out.add(new Part(type, headers, decodeBody(headers, rawBody)));
	}

	private static String guessBoundary(String body) {
		Matcher m = Pattern.compile("(?m)^--([^\\s]{6,})$").matcher(body);
		return m.find() ? m.group(1) : null;
	}

	private static List<String> split(String body, String boundary) {
		List<String> pieces = new ArrayList<>();
		String delimiter = "--" + boundary;
		int at = body.startsWith(delimiter) ? 0 : body.indexOf("\n" + delimiter);
		if (at < 0) {
			return pieces;
		}
		while (at >= 0) {
			int start = body.indexOf('\n', at + (body.startsWith(delimiter, at) ? 0 : 1));
			if (start < 0) {
				break;
			}
			String marker = body.substring(body.startsWith(delimiter, at) ? at : at + 1, start);
			if (marker.startsWith(delimiter + "--")) {
				break;
			}
			int next = body.indexOf("\n" + delimiter, start);
			String piece = next < 0 ? body.substring(start + 1) : body.substring(start + 1, Math.max(start + 1, next));
			pieces.add(piece);
			at = next;
		}
		return pieces;
	}

	private static String decodeBody(Headers headers, String rawBody) {
		String encoding = headers.first("content-transfer-encoding").trim().toLowerCase(Locale.ROOT);
		byte[] bytes = rawBody.getBytes(StandardCharsets.ISO_8859_1);
		if (encoding.equals("base64") || encoding.equals("quoted-printable")) {
			try (InputStream in = MimeUtility.decode(new ByteArrayInputStream(bytes), encoding)) {
				bytes = in.readAllBytes();
			}
			catch (IOException | jakarta.mail.MessagingException | RuntimeException ex) {
				// keep the encoded text: a half-decoded bounce still carries its addresses
			}
		}
		Charset charset = charset(headers.first("content-type"));
		return new String(bytes, charset).replace("\r\n", "\n").replace('\r', '\n');
	}

	private static Charset charset(String contentType) {
		Matcher m = CHARSET.matcher(contentType);
		if (m.find()) {
			try {
				String name = m.group(1);
				if (name.equalsIgnoreCase("iso-2022-jp")) {
					return Charset.forName("ISO-2022-JP");
				}
				return Charset.forName(MimeUtility.javaCharset(name));
			}
			catch (RuntimeException ex) {
				return StandardCharsets.UTF_8;
			}
		}
		return StandardCharsets.UTF_8;
	}

	static String decodeWords(String value) {
		if (value == null || !value.contains("=?")) {
			return value == null ? "" : value;
		}
		try {
			return MimeUtility.decodeText(value);
		}
		catch (IOException | RuntimeException ex) {
			return value;
		}
	}

}
