package io.mailroom.template;

import java.math.BigDecimal;
import java.text.NumberFormat;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.FormatStyle;
import java.time.temporal.TemporalAccessor;
import java.util.Currency;
import java.util.Locale;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The {@code #mail} helper of templates: money, numbers and dates formatted for the mail's locale.
 * Model values arrive from JSON, so amounts may be numbers or numeric strings and dates ISO-8601
 * strings; both are accepted. A null value formats as the empty string, so optional fields simply
 * disappear; a malformed value is an error naming the field.
 */
public final class MailFormats {

	private final Locale locale;

	MailFormats(Locale locale) {
		this.locale = locale;
	}

	/** {@code money(19.9, 'EUR')}: "€19.90" in en, "19,90 €" in de; digits as the currency has them. */
	public String money(Object amount, Object currencyCode) {
		if (amount == null) {
			return "";
		}
		Currency currency = currency(currencyCode);
		return ((NumberFormat) CURRENCY_FORMATS.get(new CurrencyFormat(locale, currency), MailFormats::create).clone())
			.format(decimal(amount));
	}

	/**
	 * Configured currency formats by locale and currency; each use takes a clone (formats are not
	 * thread-safe), which costs a fraction of building one. Bounded: the locale comes from the
	 * request, so variants are not a finite set.
	 */
	private static final Cache<CurrencyFormat, NumberFormat> CURRENCY_FORMATS = Caffeine.newBuilder()
		.maximumSize(1000)
		.build();

	private record CurrencyFormat(Locale locale, Currency currency) {
	}

	private static NumberFormat create(CurrencyFormat key) {
		NumberFormat format = NumberFormat.getCurrencyInstance(key.locale());
		format.setCurrency(key.currency());
		int digits = Math.max(key.currency().getDefaultFractionDigits(), 0);
		format.setMinimumFractionDigits(digits);
		format.setMaximumFractionDigits(digits);
		return format;
	}

	/** A plain localised number: {@code 1,234.5} in en, {@code 1.234,5} in de. */
	public String number(Object value) {
		if (value == null) {
			return "";
		}
		return NumberFormat.getNumberInstance(locale).format(decimal(value));
	}

	/** {@code date('2026-05-01T10:15:00Z')}: "May 1, 2026" in en, "1. Mai 2026" in de. */
	public String date(Object value) {
		if (value == null) {
			return "";
		}
		TemporalAccessor t = temporal(value);
		LocalDate date = t instanceof LocalDate d ? d
				: t instanceof LocalDateTime ldt ? ldt.toLocalDate() : ((OffsetDateTime) t).toLocalDate();
		return DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(locale).format(date);
	}

	/**
	 * Date and time in the offset the value was given in, with that offset named, so the reader
	 * knows which clock is meant: "May 1, 2026, 10:15 AM UTC".
	 */
	public String dateTime(Object value) {
		if (value == null) {
			return "";
		}
		TemporalAccessor t = temporal(value);
		if (t instanceof LocalDate d) {
			return date(d);
		}
		DateTimeFormatter format = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT)
			.withLocale(locale);
		if (t instanceof LocalDateTime ldt) {
			return format.format(ldt);
		}
		OffsetDateTime odt = (OffsetDateTime) t;
		String zone = odt.getOffset().equals(ZoneOffset.UTC) ? "UTC" : "UTC" + odt.getOffset().getId();
		return format.format(odt.toLocalDateTime()) + " " + zone;
	}

	private Currency currency(Object code) {
		if (code == null) {
			throw new IllegalArgumentException("a currency code is required to format money");
		}
		try {
			return Currency.getInstance(code.toString().trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("'" + code + "' is not an ISO 4217 currency code");
		}
	}

	static BigDecimal decimal(Object value) {
		if (value instanceof BigDecimal b) {
			return b;
		}
		if (value instanceof Integer || value instanceof Long || value instanceof Short) {
			return BigDecimal.valueOf(((Number) value).longValue());
		}
		if (value instanceof Number n) {
			// Double from JSON: go through its shortest decimal string, not its binary expansion
			return new BigDecimal(n.toString());
		}
		try {
			return new BigDecimal(value.toString().trim());
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("'" + value + "' is not a number");
		}
	}

	static TemporalAccessor temporal(Object value) {
		if (value instanceof Instant i) {
			return i.atOffset(ZoneOffset.UTC);
		}
		if (value instanceof ZonedDateTime z) {
			return z.toOffsetDateTime();
		}
		if (value instanceof OffsetDateTime || value instanceof LocalDate || value instanceof LocalDateTime) {
			return (TemporalAccessor) value;
		}
		String s = value.toString().trim();
		try {
			if (s.length() == 10) {
				return LocalDate.parse(s);
			}
			if (s.endsWith("Z") || s.matches(".*[+-]\\d\\d:?\\d\\d$")) {
				return OffsetDateTime.parse(s);
			}
			return LocalDateTime.parse(s);
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException("'" + value + "' is not an ISO-8601 date or date-time");
		}
	}

}
