package io.mailroom.template;

/**
 * A template rendered for one message.
 *
 * @param name template name
 * @param version stored template version used, 0 for the built-in classpath template
 * @param subject rendered subject (single line)
 * @param html rendered HTML with CSS inlined
 * @param text plain-text part (from the text template, else derived from the HTML)
 * @param marketing whether the template is flagged as promotional (List-Unsubscribe headers)
 */
public record RenderedTemplate(String name, int version, String subject, String html, String text, boolean marketing) {
}
