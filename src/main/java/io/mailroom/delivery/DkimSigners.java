package io.mailroom.delivery;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.mailroom.smtp.dkim.DkimSigner;

import org.springframework.stereotype.Component;

/**
 * The DKIM signer of each sender domain that has a key (SPEC §3: messages are signed when a key is
 * configured for the sender's domain). Keys are parsed at start-up, so a broken key stops the
 * service with a clear message instead of failing every message later.
 */
@Component
public class DkimSigners {

	private final Map<String, DkimSigner> signers = new HashMap<>();

	public DkimSigners(DkimProperties properties, Clock clock) {
		properties.keys().forEach((domain, key) -> {
			try {
				signers.put(domain, DkimSigner.fromPem(domain, key.selector(), key.privateKey(), clock));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException("mailroom.dkim." + domain + ": " + ex.getMessage(), ex);
			}
		});
	}

	/**
	 * The signer for a sender domain (case-insensitive; Unicode or A-labels), or empty when the
	 * domain has no key: its messages go out unsigned.
	 */
	public Optional<DkimSigner> forDomain(String domain) {
		if (domain == null || domain.isBlank()) {
			return Optional.empty();
		}
		return Optional.ofNullable(signers.get(DkimProperties.normalize(domain.trim())));
	}

}
