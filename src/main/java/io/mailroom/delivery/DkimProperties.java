package io.mailroom.delivery;

import java.net.IDN;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * DKIM keys per sender domain (SPEC §6 {@code mailroom.dkim.<domain>.selector} /
 * {@code .private-key}).
 * <p>
 * Read by hand rather than with {@code @ConfigurationProperties}: the key of the map is a domain,
 * full of dots, and Spring's map binding would take {@code mailroom.dkim.example.com.selector} for
 * the entry {@code example} with a property {@code com.selector}. Here everything between
 * {@code mailroom.dkim.} and the last element is the domain, so the plain form, the bracket form
 * {@code mailroom.dkim[example.com].selector} and environment variables
 * ({@code MAILROOM_DKIM_EXAMPLE_COM_SELECTOR}, {@code MAILROOM_DKIM_EXAMPLE_COM_PRIVATE_KEY}) all
 * work.
 *
 * @param keys by domain (A-labels, lower case)
 */
public record DkimProperties(Map<String, Key> keys) {

	static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of("mailroom.dkim");

	/**
	 * @param selector the DNS selector ({@code <selector>._domainkey.<domain>})
	 * @param privateKey PKCS#8 PEM (or its base64 body alone)
	 */
	public record Key(String selector, String privateKey) {

		@Override
		public String toString() {
			// never print the key
			return "Key[selector=" + selector + "]";
		}

	}

	public DkimProperties {
		keys = Map.copyOf(keys);
	}

	/** @throws IllegalStateException when a domain has a selector without a key or the reverse */
	public static DkimProperties from(Environment environment) {
		Map<String, String> selectors = new LinkedHashMap<>();
		Map<String, String> privateKeys = new LinkedHashMap<>();
		// sources come in precedence order: the first value seen for a name wins
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (!(source instanceof IterableConfigurationPropertySource iterable)) {
				continue;
			}
			iterable.filter(PREFIX::isAncestorOf).forEach(name -> {
				if (name.getNumberOfElements() < PREFIX.getNumberOfElements() + 2) {
					return;
				}
				int last = name.getNumberOfElements() - 1;
				String field = name.getLastElement(ConfigurationPropertyName.Form.UNIFORM);
				// MAILROOM_DKIM_EXAMPLE_COM_PRIVATE_KEY arrives as ….private.key
				if (field.equals("key") && last - 1 > PREFIX.getNumberOfElements()
						&& name.getElement(last - 1, ConfigurationPropertyName.Form.UNIFORM).equals("private")) {
					field = "privatekey";
					last--;
				}
				String domain = domain(name, last);
				ConfigurationProperty property = source.getConfigurationProperty(name);
				if (property == null || property.getValue() == null) {
					return;
				}
				String value = property.getValue().toString();
				switch (field) {
					case "selector" -> selectors.putIfAbsent(domain, value);
					case "privatekey" -> privateKeys.putIfAbsent(domain, value);
					default -> {
					}
				}
			});
		}
		Map<String, Key> keys = new LinkedHashMap<>();
		List<String> incomplete = new ArrayList<>();
		for (String domain : union(selectors, privateKeys)) {
			String selector = selectors.get(domain);
			String key = privateKeys.get(domain);
			if (isBlank(selector) || isBlank(key)) {
				incomplete.add(domain);
			}
			else {
				keys.put(domain, new Key(selector.trim(), key));
			}
		}
		if (!incomplete.isEmpty()) {
			throw new IllegalStateException("mailroom.dkim: " + incomplete
					+ " need both .selector and .private-key");
		}
		return new DkimProperties(keys);
	}

	/** The elements between the prefix and {@code end} (exclusive), joined with dots. */
	private static String domain(ConfigurationPropertyName name, int end) {
		StringBuilder domain = new StringBuilder();
		for (int i = PREFIX.getNumberOfElements(); i < end; i++) {
			if (!domain.isEmpty()) {
				domain.append('.');
			}
			domain.append(name.getElement(i, ConfigurationPropertyName.Form.ORIGINAL));
		}
		return normalize(domain.toString());
	}

	static String normalize(String domain) {
		String trimmed = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
		try {
			return IDN.toASCII(trimmed, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
		}
		catch (IllegalArgumentException ex) {
			return trimmed.toLowerCase(Locale.ROOT);
		}
	}

	private static List<String> union(Map<String, String> a, Map<String, String> b) {
		List<String> all = new ArrayList<>(a.keySet());
		b.keySet().stream().filter(k -> !a.containsKey(k)).forEach(all::add);
		return all;
	}

	private static boolean isBlank(String s) {
		return s == null || s.isBlank();
	}

}
