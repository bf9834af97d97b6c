package io.mailroom.delivery;

import java.time.Duration;

import io.mailroom.smtp.SmtpTimeouts;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Time limits of the SMTP client (SPEC §4): 30 s to connect, then RFC 5321 §4.5.3.2.
 *
 * @param connectTimeout TCP connect
 * @param greetingTimeout the server's 220 greeting
 * @param mailTimeout the reply to MAIL FROM
 * @param rcptTimeout the reply to each RCPT TO
 * @param dataTimeout the 354 reply to DATA
 * @param dataBlockTimeout each block of message data written
 * @param dataEndTimeout the reply after the final dot
 * @param commandTimeout every other command (EHLO, STARTTLS, AUTH, RSET, NOOP, QUIT)
 */
@ConfigurationProperties("mailroom.smtp")
public record SmtpProperties(@DefaultValue("30s") Duration connectTimeout, @DefaultValue("5m") Duration greetingTimeout,
		@DefaultValue("5m") Duration mailTimeout, @DefaultValue("5m") Duration rcptTimeout,
		@DefaultValue("2m") Duration dataTimeout, @DefaultValue("3m") Duration dataBlockTimeout,
		@DefaultValue("10m") Duration dataEndTimeout, @DefaultValue("5m") Duration commandTimeout) {

	public SmtpTimeouts timeouts() {
		return new SmtpTimeouts(connectTimeout, greetingTimeout, mailTimeout, rcptTimeout, dataTimeout,
				dataBlockTimeout, dataEndTimeout, commandTimeout);
	}

}
