package io.mailroom.unsubscribe;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.mailroom.common.InstanceSecrets;

import org.springframework.stereotype.Component;

/**
 * Unsubscribe tokens: the recipient row's id and an HMAC over it, so a link names exactly one
 * recipient and cannot be guessed or forged for another address.
 */
@Component
public class UnsubscribeTokens {

	private static final HexFormat HEX = HexFormat.of();

	private static final int MAC_BYTES = 16;

	private final byte[] key;

	public UnsubscribeTokens(InstanceSecrets secrets) {
		this.key = secrets.get("unsubscribe");
	}

	public String issue(UUID recipientId) {
		byte[] id = bytes(recipientId);
		return HEX.formatHex(id) + HEX.formatHex(mac(id));
	}

	public Optional<UUID> verify(String token) {
		if (token == null || token.length() != 2 * (16 + MAC_BYTES)) {
			return Optional.empty();
		}
		try {
			byte[] id = HEX.parseHex(token, 0, 32);
			byte[] mac = HEX.parseHex(token, 32, token.length());
			if (!MessageDigest.isEqual(mac, mac(id))) {
				return Optional.empty();
			}
			ByteBuffer b = ByteBuffer.wrap(id);
			return Optional.of(new UUID(b.getLong(), b.getLong()));
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

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
