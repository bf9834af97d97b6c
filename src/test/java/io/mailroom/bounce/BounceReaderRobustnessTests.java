package io.mailroom.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/** Inbound mail is untrusted: whatever arrives, the reader answers and never throws. */
class BounceReaderRobustnessTests {

	private final BounceReader reader = new BounceReader();

	@Property(tries = 300)
	void readsArbitraryBytes(@ForAll @Size(max = 4000) byte[] raw) {
		BounceReport report = this.reader.read(raw);
		assertThat(report.type()).isNotNull();
		assertThat(report.recipients()).allSatisfy(r -> assertThat(r.status()).isNotNull());
	}

	@Property(tries = 200)
	void readsArbitraryTextAfterBounceHeaders(@ForAll @StringLength(max = 2000) String body) {
		String message = """
				From: MAILER-DAEMON@mx.example.net
				Subject: Undelivered Mail Returned to Sender
				Content-Type: multipart/report; report-type=delivery-status; boundary="b"

				--b
				""" + body + "\n--b--\n";
		BounceReport report = this.reader.read(message.getBytes(StandardCharsets.UTF_8));
		assertThat(report.recipients()).allSatisfy(r -> {
			assertThat(r.kind()).isNotNull();
			assertThat(r.category()).isNotNull();
		});
	}

}
