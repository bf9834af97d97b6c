package io.mailroom.message;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;

/**
 * @param defaultAddress {@code mailroom.sender.default}: the From address when a request gives none;
 * {@code mailroom@<host name>} when unset
 * @param defaultName display name for the default sender
 * @param allowed {@code From} addresses callers may use: exact addresses, {@code @domain} entries,
 * or {@code *} for any
 */
@ConfigurationProperties("mailroom.sender")
public record SenderProperties(@Name("default") String defaultAddress, @DefaultValue("") String defaultName,
		@DefaultValue("*") List<String> allowed) {

	public SenderProperties {
		allowed = allowed == null ? List.of("*") : List.copyOf(allowed);
	}

}
