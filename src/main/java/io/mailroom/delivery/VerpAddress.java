package io.mailroom.delivery;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.mailroom.common.HostName;
import io.mailroom.common.InstanceSecrets;

import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * VERP return paths ({@code bounces+<token>@<bounce-domain>}): the token names the recipient row
 * and carries a truncated HMAC, so a bounce can be matched to the recipient without trusting
 * anything else in it, and tokens cannot be guessed or forged. Hex keeps the token intact when an
 * MTA changes the case of the local part.
 */
@Component
public class VerpAddress {

	private static final String LOCAL_PREFIX = "bounces+";

	private static final int MAC_BYTES = 10;

	private final byte[] key;

	private final String domain;

	public VerpAddress(InstanceSecrets secrets, ReturnPathProperties properties) {
		this.key = secrets.get("verp");
		this.domain = StringUtils.hasText(properties.domain()) ? properties.domain() : HostName.domain();
	}

	public String domain() {
		return domain;
	}

	public String forRecipient(UUID recipientId) {
		byte[] id = bytes(recipientId);
		return LOCAL_PREFIX + HEX.formatHex(id) + HEX.formatHex(mac(id)) + "@" + domain;
	}

	/** The recipient id of a VERP address we issued, or empty when it is not ours or forged. */
	public Optional<UUID> recipientOf(String address) {
		if (address == null) {
			return Optional.empty();
		}
		String a = address.trim().toLowerCase(Locale.ROOT);
		if (a.startsWith("<") && a.endsWith(">")) {
			a = a.substring(1, a.length() - 1);
		}
		int at = a.lastIndexOf('@');
		if (!a.startsWith(LOCAL_PREFIX) || at < 0) {
			return Optional.empty();
		}
		String token = a.substring(LOCAL_PREFIX.length(), at);
		if (token.length() != 2 * (16 + MAC_BYTES)) {
			return Optional.empty();
		}
		try {
			byte[] id = HEX.parseHex(token, 0, 32);
			byte[] mac = HEX.parseHex(token, 32, token.length());
			if (!MessageDigest.isEqual(mac, mac(id))) {
				return Optional.empty();
			}
			ByteBuffer buffer = ByteBuffer.wrap(id);
			return Optional.of(new UUID(buffer.getLong(), buffer.getLong()));
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

	private static final HexFormat HEX = HexFormat.of();

	private static byte[] bytes(UUID id) {
		return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).array();
	}

	private byte[] mac(byte[] id) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key, "HmacSHA256"));
			byte[] full = mac.doFinal(id);
			byte[] truncated = new byte[MAC_BYTES];
			System.arraycopy(full, 0, truncated, 0, MAC_BYTES);
			return truncated;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
