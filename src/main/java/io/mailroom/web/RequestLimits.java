package io.mailroom.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits on what callers may send (SPEC §2 "Limits").
 *
 * @param maxRequestSize request bodies larger than this are refused with 413 before they are read
 * @param maxRecipients recipients per message (to + cc + bcc)
 * @param maxSubjectOctets subject length in UTF-8 octets (RFC 5322's line limit)
 * @param maxAttachmentsSize total decoded size of a message's attachments
 * @param maxBatchSize messages per batch request
 */
@ConfigurationProperties("mailroom.limits")
public record RequestLimits(@DefaultValue("10MB") DataSize maxRequestSize, @DefaultValue("50") int maxRecipients,
		@DefaultValue("998") int maxSubjectOctets, @DefaultValue("7MB") DataSize maxAttachmentsSize,
		@DefaultValue("500") int maxBatchSize) {
}
