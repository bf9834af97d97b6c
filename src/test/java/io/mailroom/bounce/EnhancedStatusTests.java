package io.mailroom.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EnhancedStatusTests {

	@Test
	void findsTheCodeButNotAnIpAddressOrVersion() {
		assertThat(EnhancedStatus.find("host 192.0.2.1 said 550 5.1.1 unknown", "")).isEqualTo("5.1.1");
		assertThat(EnhancedStatus.find("Postfix v2.4.5 refused", "")).isEmpty();
	}

	@Test
	void prefersASpecificCodeOverTheGenericOne() {
		assertThat(EnhancedStatus.find("550 5.0.0 <x@example.org>... 5.1.1 User unknown", "")).isEqualTo("5.1.1");
		assertThat(EnhancedStatus.prefer("5.0.0", "5.2.2", "552")).isEqualTo("5.2.2");
		assertThat(EnhancedStatus.prefer("5.1.1", "5.0.0", "550")).isEqualTo("5.1.1");
	}

	@Test
	void findsAThreeDigitDetail() {
		assertThat(EnhancedStatus.find("550 5.7.509 Access denied", "")).isEqualTo("5.7.509");
	}

	@Test
	void findsTheReplyCode() {
		assertThat(EnhancedStatus.findReplyCode("host said: 452 4.2.2 full", "")).isEqualTo("452");
		assertThat(EnhancedStatus.findReplyCode("message 15502 queued", "")).isEmpty();
	}

}
