package io.mailroom.bounce;

import io.mailroom.delivery.BounceClassification.Verdict;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Replies refused while delivering get the same kind and category as asynchronous bounces. */
class SmtpReplyClassificationTests {

	private final SmtpReplyClassification classification = new SmtpReplyClassification();

	@Test
	void unknownUserIsHard() {
		assertThat(classification.classify(550, "5.1.1", "no such user here")).isEqualTo(new Verdict("hard", "user-unknown"));
	}

	@Test
	void unknownUserWithoutEnhancedCodeIsHardByItsWording() {
		assertThat(classification.classify(550, null, "<x@example.com>: Recipient address rejected: User unknown"))
			.isEqualTo(new Verdict("hard", "user-unknown"));
	}

	@Test
	void fullMailboxIsSoft() {
		assertThat(classification.classify(552, "5.2.2", "mailbox full")).isEqualTo(new Verdict("soft", "mailbox-full"));
	}

	@Test
	void blocklistingIsSoftSpamBlocked() {
		Verdict verdict = classification.classify(554, "5.7.1",
				"Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org");
		assertThat(verdict.kind()).isEqualTo("soft");
		assertThat(verdict.category()).isEqualTo("spam-blocked");
	}

	@Test
	void categoriesAreKebabCase() {
		assertThat(classification.classify(550, "5.7.26", "Unauthenticated email is not accepted: DMARC policy").category())
			.matches("[a-z]+(-[a-z]+)*");
	}

}
