package io.mailroom.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Inbound mail is untrusted: whatever arrives, the reader answers and never throws. Inputs are
 * generated from a fixed seed so a failure can be replayed.
 */
class BounceReaderRobustnessTests {

	private final BounceReader reader = new BounceReader();

	private final Random random = new Random(20261129L);

	@Test
	void readsArbitraryBytes() {
		for (int i = 0; i < 300; i++) {
			byte[] raw = new byte[this.random.nextInt(4000)];
			this.random.nextBytes(raw);
			BounceReport report = this.reader.read(raw);
			assertThat(report.type()).isNotNull();
			assertThat(report.recipients()).allSatisfy(r -> assertThat(r.status()).isNotNull());
		}
	}

	@Test
	void readsArbitraryTextAfterBounceHeaders() {
		String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 @.<>:;-=\n\t\"'()[]#5.1.1 550 Final-Recipient: Status: ";
		for (int i = 0; i < 200; i++) {
			StringBuilder body = new StringBuilder();
			int length = this.random.nextInt(2000);
			for (int j = 0; j < length; j++) {
				body.append(alphabet.charAt(this.random.nextInt(alphabet.length())));
			}
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

	@Test
	void readsEmptyAndHeaderOnlyMessages() {
		assertThat(this.reader.read(new byte[0]).type()).isEqualTo(BounceReport.Type.UNKNOWN);
		assertThat(this.reader.read("\n\n\n".getBytes(StandardCharsets.UTF_8)).type()).isEqualTo(BounceReport.Type.UNKNOWN);
		assertThat(this.reader.read("Content-Type: multipart/report; boundary=\n\n--\n".getBytes(StandardCharsets.UTF_8))
			.recipients()).isEmpty();
	}

}
