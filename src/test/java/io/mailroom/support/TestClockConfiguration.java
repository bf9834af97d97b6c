package io.mailroom.support;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

@TestConfiguration(proxyBeanMethods = false)
public class TestClockConfiguration {

	/** Starts at the real time (tests compare with database timestamps), then moves only when told. */
	@Bean
	@Primary
	MutableClock testClock() {
		return new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
	}

}
