package io.mailroom.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.mailroom.bounce.BounceClassifier.Classification;
import io.mailroom.bounce.BouncedRecipient.Category;
import io.mailroom.bounce.BouncedRecipient.Kind;

class BounceClassifierTests {

	private final BounceClassifier classifier = new BounceClassifier();

	@Test
	void anUnknownUserAtRcptIsAHardBounce() {
		Classification c = this.classifier.classify(550, "5.1.1", "<x@example.org>: Recipient address rejected: User unknown");
		assertThat(c.kind()).isEqualTo(Kind.HARD);
		assertThat(c.category()).isEqualTo(Category.USER_UNKNOWN);
		assertThat(c.status()).isEqualTo("5.1.1");
		assertThat(c.permanent()).isTrue();
	}

	@Test
	void aFullMailboxIsSoft() {
		Classification c = this.classifier.classify(552, "5.2.2", "Mailbox full");
		assertThat(c.kind()).isEqualTo(Kind.SOFT);
		assertThat(c.category()).isEqualTo(Category.MAILBOX_FULL);
	}

	@Test
	void aBlocklistRejectionIsSoftEvenWithAnAddressCode() {
		Classification c = this.classifier.classify(550, "5.7.1",
				"Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org");
		assertThat(c.kind()).isEqualTo(Kind.SOFT);
		assertThat(c.category()).isEqualTo(Category.SPAM_BLOCKED);
	}

	@Test
	void infersAnEnhancedCodeFromTheReplyTextWhenTheServerSentNone() {
		Classification c = this.classifier.classify(550, null, "mailbox is full");
		assertThat(c.status()).isEqualTo("5.0.922");
		assertThat(c.category()).isEqualTo(Category.MAILBOX_FULL);
		Classification temporary = this.classifier.classify(452, "", "mailbox is full");
		assertThat(temporary.status()).startsWith("4.");
	}

	@Test
	void aCodeInTheTextRefinesAGenericOne() {
		Classification c = this.classifier.classify(550, "5.0.0", "550 5.1.2 Host unknown: no such domain");
		assertThat(c.status()).isEqualTo("5.1.2");
		assertThat(c.kind()).isEqualTo(Kind.HARD);
	}

	@Test
	void authenticationFailuresHaveTheirOwnCategory() {
		Classification c = this.classifier.classify(550, "5.7.26",
				"This message does not pass authentication checks (SPF and DKIM both do not pass)");
		assertThat(c.category()).isEqualTo(Category.AUTH_FAILURE);
		assertThat(c.kind()).isEqualTo(Kind.SOFT);
	}

	@Test
	void theRefusedCommandDecidesAnUncodedUnknownUser() {
		Classification atRcpt = this.classifier.classify(550, null, "user unknown", "RCPT");
		assertThat(atRcpt.kind()).isEqualTo(Kind.HARD);
		assertThat(atRcpt.status()).isEqualTo("5.0.911");
		Classification afterData = this.classifier.classify(550, null, "user unknown", "DATA");
		assertThat(afterData.kind()).isEqualTo(Kind.SOFT);
		assertThat(afterData.category()).isEqualTo(Category.POLICY);
	}

	@Test
	void aTemporaryReplyGetsATemporaryCode() {
		Classification c = this.classifier.classify(452, "4.2.2", "Mailbox full, try again later");
		assertThat(c.permanent()).isFalse();
		assertThat(c.status()).isEqualTo("4.2.2");
		assertThat(c.replyCode()).isEqualTo("452");
	}

	@Test
	void aNullMxDomainIsHard() {
		Classification c = this.classifier.classify(556, "5.1.10", "Recipient address has null MX");
		assertThat(c.kind()).isEqualTo(Kind.HARD);
	}

}
