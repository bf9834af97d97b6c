package io.mailroom.template;

/**
 * The Thymeleaf sources of one template in one language.
 *
 * @param subject TEXT-mode template of the subject line
 * @param html HTML-mode template of the HTML part
 * @param text TEXT-mode template of the plain-text part, or null to derive it from the HTML
 */
record TemplateSource(String subject, String html, String text) {
}
