package io.mailroom.smtp.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * DKIM signatures (RFC 6376): rsa-sha256, relaxed/relaxed canonicalization. Signs the header
 * fields that identify and render a message, when present, and signs From once more than it
 * occurs so that a From added in transit breaks the signature (RFC 6376 §8.15). Thread-safe.
 */
public final class DkimSigner {

	/** In signing order; absent fields are skipped (RFC 6376 §5.4.1 recommendations, RFC 8058 §4). */
	static final List<String> SIGNED_FIELDS = List.of("from", "to", "cc", "reply-to", "subject", "date", "message-id",
			"in-reply-to", "references", "mime-version", "content-type", "content-transfer-encoding",
			"list-unsubscribe", "list-unsubscribe-post");

	private static final int MIN_KEY_BITS = 1024;

	private final String domain;

	private final String selector;

	private final PrivateKey key;

	private final Clock clock;

	public DkimSigner(String domain, String selector, PrivateKey key, Clock clock) {
		this.domain = requireTagValue(domain, "domain");
		this.selector = requireTagValue(selector, "selector");
		this.key = Objects.requireNonNull(key, "key");
		this.clock = Objects.requireNonNull(clock, "clock");
		if (!"RSA".equals(key.getAlgorithm())) {
			throw new IllegalArgumentException("DKIM rsa-sha256 needs an RSA key, not " + key.getAlgorithm());
		}
		if (key instanceof RSAPrivateKey rsa && rsa.getModulus().bitLength() < MIN_KEY_BITS) {
			// RFC 8301 §3.2: verifiers must not accept keys below 1024 bits
			throw new IllegalArgumentException("DKIM key too short: " + rsa.getModulus().bitLength() + " bits");
		}
	}

	/** A signer from a PKCS#8 PEM private key ({@code -----BEGIN PRIVATE KEY-----}). */
	public static DkimSigner fromPem(String domain, String selector, String pkcs8Pem, Clock clock) {
		return new DkimSigner(domain, selector, privateKey(pkcs8Pem), clock);
	}

	static PrivateKey privateKey(String pem) {
		if (pem.contains("BEGIN RSA PRIVATE KEY")) {
			throw new IllegalArgumentException(
					"DKIM key is PKCS#1; convert it with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pk8.pem");
		}
		String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
		try {
			byte[] der = Base64.getDecoder().decode(base64);
			return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
		}
		catch (IllegalArgumentException | GeneralSecurityException ex) {
			throw new IllegalArgumentException("not a PKCS#8 PEM RSA private key", ex);
		}
	}

	public String domain() {
		return domain;
	}

	public String selector() {
		return selector;
	}

	/**
	 * Returns the message with line breaks normalised to CRLF (as the SMTP client sends it) and a
	 * DKIM-Signature header field in front.
	 */
	public byte[] sign(byte[] message) {
		byte[] normalised = normaliseLineBreaks(message);
		int bodyStart = bodyStart(normalised);
		int headerEnd = bodyStart < 0 ? normalised.length : bodyStart;
		List<String> fields = headerFields(new String(normalised, 0, headerEnd, StandardCharsets.ISO_8859_1));
		byte[] body = bodyStart < 0 ? new byte[0] : java.util.Arrays.copyOfRange(normalised, bodyStart, normalised.length);

		String bodyHash = Base64.getEncoder().encodeToString(sha256(relaxedBody(body)));
		List<String> signedNames = new ArrayList<>();
		StringBuilder hashed = new StringBuilder();
		for (String name : SIGNED_FIELDS) {
			List<String> instances = instancesOf(fields, name);
			// RFC 6376 §5.4.2: several instances are signed from the bottom up
			for (int i = instances.size() - 1; i >= 0; i--) {
				hashed.append(relaxedHeader(instances.get(i))).append("\r\n");
				signedNames.add(name);
			}
			if (name.equals("from")) {
				// the extra, absent instance hashes as nothing and forbids adding another From
				signedNames.add(name);
			}
		}
		if (instancesOf(fields, "from").isEmpty()) {
			throw new IllegalArgumentException("a message without From cannot be DKIM-signed (RFC 6376 §5.4)");
		}
		String unsigned = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + domain + "; s=" + selector
				+ ";\r\n\tt=" + clock.instant().getEpochSecond() + "; h=" + String.join(":", signedNames)
				+ ";\r\n\tbh=" + bodyHash + ";\r\n\tb=";
		hashed.append(relaxedHeader(unsigned));
		String signature = Base64.getEncoder().encodeToString(rsaSha256(hashed.toString()));
		String field = unsigned + fold(signature) + "\r\n";

		ByteArrayOutputStream out = new ByteArrayOutputStream(normalised.length + field.length());
		out.writeBytes(field.getBytes(StandardCharsets.ISO_8859_1));
		out.writeBytes(normalised);
		return out.toByteArray();
	}

	// the b= value may be folded freely: verifiers delete it with its whitespace before hashing
	private static String fold(String value) {
		StringBuilder folded = new StringBuilder(value.length() + value.length() / 64 * 3);
		for (int i = 0; i < value.length(); i += 64) {
			if (i > 0) {
				folded.append("\r\n\t ");
			}
			folded.append(value, i, Math.min(value.length(), i + 64));
		}
		return folded.toString();
	}

	private byte[] rsaSha256(String data) {
		try {
			Signature rsa = Signature.getInstance("SHA256withRSA");
			rsa.initSign(key);
			rsa.update(data.getBytes(StandardCharsets.ISO_8859_1));
			return rsa.sign();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("DKIM signing failed", ex);
		}
	}

	private static byte[] sha256(byte[] data) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(data);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Header fields with their continuation lines, without the final CRLF; bytes as Latin-1 chars. */
	static List<String> headerFields(String headerSection) {
		List<String> fields = new ArrayList<>();
		StringBuilder current = null;
		for (String line : headerSection.split("\r\n", -1)) {
			if (line.isEmpty()) {
				continue;
			}
			if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
				current.append("\r\n").append(line);
			}
			else {
				if (current != null) {
					fields.add(current.toString());
				}
				current = new StringBuilder(line);
			}
		}
		if (current != null) {
			fields.add(current.toString());
		}
		return fields;
	}

	private static List<String> instancesOf(List<String> fields, String lowerName) {
		List<String> instances = new ArrayList<>(1);
		for (String field : fields) {
			int colon = field.indexOf(':');
			if (colon > 0 && field.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(lowerName)) {
				instances.add(field);
			}
		}
		return instances;
	}

	/** RFC 6376 §3.4.2. */
	static String relaxedHeader(String field) {
		int colon = field.indexOf(':');
		String name = field.substring(0, colon).trim().toLowerCase(Locale.ROOT);
		String value = field.substring(colon + 1).replace("\r\n", "");
		StringBuilder out = new StringBuilder(name.length() + value.length() + 1).append(name).append(':');
		boolean pendingSpace = false;
		boolean started = false;
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == ' ' || c == '\t') {
				pendingSpace = started;
				continue;
			}
			if (pendingSpace) {
				out.append(' ');
				pendingSpace = false;
			}
			out.append(c);
			started = true;
		}
		return out.toString();
	}

	/** RFC 6376 §3.4.4: whitespace runs become one space, none at line ends, no empty lines at the end. */
	static byte[] relaxedBody(byte[] body) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(body.length);
		int pendingEmptyLines = 0;
		int i = 0;
		while (i < body.length) {
			int end = i;
			while (end < body.length && body[end] != '\r') {
				end++;
			}
			// line is body[i, end); normalised input guarantees CRLF after it (or end of data)
			ByteArrayOutputStream line = new ByteArrayOutputStream(end - i);
			boolean pendingSpace = false;
			for (int j = i; j < end; j++) {
				byte b = body[j];
				if (b == ' ' || b == '\t') {
					pendingSpace = true;
					continue;
				}
				if (pendingSpace) {
					line.write(' ');
					pendingSpace = false;
				}
				line.write(b);
			}
			if (line.size() == 0) {
				pendingEmptyLines++;
			}
			else {
				for (; pendingEmptyLines > 0; pendingEmptyLines--) {
					out.write('\r');
					out.write('\n');
				}
				out.writeBytes(line.toByteArray());
				out.write('\r');
				out.write('\n');
			}
			i = end + 2;
		}
		return out.toByteArray();
	}

	/** Lone CR or LF become CRLF, as SMTP will send them. */
	static byte[] normaliseLineBreaks(byte[] message) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + 64);
		for (int i = 0; i < message.length; i++) {
			byte b = message[i];
			if (b == '\r') {
				out.write('\r');
				out.write('\n');
				if (i + 1 < message.length && message[i + 1] == '\n') {
					i++;
				}
			}
			else if (b == '\n') {
				out.write('\r');
				out.write('\n');
			}
			else {
				out.write(b);
			}
		}
		return out.toByteArray();
	}

	/** Index of the first body byte, or -1 when the message has no empty line. */
	private static int bodyStart(byte[] message) {
		if (message.length >= 2 && message[0] == '\r' && message[1] == '\n') {
			return 2;
		}
		for (int i = 0; i + 3 < message.length; i++) {
			if (message[i] == '\r' && message[i + 1] == '\n' && message[i + 2] == '\r' && message[i + 3] == '\n') {
				return i + 4;
			}
		}
		return -1;
	}

	private static String requireTagValue(String value, String what) {
		Objects.requireNonNull(value, what);
		if (value.isEmpty() || !value.matches("[A-Za-z0-9._-]+")) {
			throw new IllegalArgumentException("invalid DKIM " + what + ": " + value);
		}
		return value;
	}

}
