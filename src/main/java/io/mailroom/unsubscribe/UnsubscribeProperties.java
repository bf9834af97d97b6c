package io.mailroom.unsubscribe;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param publicUrl the address recipients reach this service at; unsubscribe links point there
 */
@ConfigurationProperties("mailroom.unsubscribe")
public record UnsubscribeProperties(@DefaultValue("http://localhost:8080") String publicUrl) {
}
