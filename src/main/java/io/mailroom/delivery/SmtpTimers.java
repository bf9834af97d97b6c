package io.mailroom.delivery;

import java.util.Locale;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Component;

/** {@code mailroom.smtp.transaction}: time of each SMTP transaction by outcome, as a histogram. */
@Component
class SmtpTimers {

	private final MeterRegistry meters;

	SmtpTimers(MeterRegistry meters) {
		this.meters = meters;
		for (AttemptResult.Outcome outcome : AttemptResult.Outcome.values()) {
			timer(outcome);
		}
	}

	AttemptResult record(AttemptResult result) {
		timer(result.outcome()).record(result.duration());
		return result;
	}

	private Timer timer(AttemptResult.Outcome outcome) {
		return Timer.builder("mailroom.smtp.transaction")
			.description("SMTP transaction time, connection set-up included when a new one was opened")
			.tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
			.publishPercentileHistogram()
			.register(meters);
	}

}
