package io.mailroom.bounce;

import io.mailroom.delivery.BounceClassification;

import org.springframework.stereotype.Component;

/**
 * Gives delivery's synchronous 5xx replies the same kind and category as asynchronous bounces:
 * one {@link BounceClassifier} decides both, so a "550 5.1.1" means the same whether it came at
 * RCPT time or three hours later in a DSN.
 */
@Component
class SmtpReplyClassification implements BounceClassification {

	private final BounceClassifier classifier = new BounceClassifier();

	@Override
	public Verdict classify(int replyCode, String enhancedCode, String text) {
		BounceClassifier.Classification c = classifier.classify(replyCode, enhancedCode, text);
		if (c.kind() == BouncedRecipient.Kind.SOFT) {
			// Delivery does not tell which command the reply answered. Without an enhanced code the
			// classifier reads "550 User unknown" as a content filter's verdict unless it came at RCPT;
			// relays refuse unknown users at RCPT, so that is the likelier stage.
			BounceClassifier.Classification atRcpt = classifier.classify(replyCode, enhancedCode, text, "RCPT");
			if (atRcpt.category() == BouncedRecipient.Category.USER_UNKNOWN) {
				c = atRcpt;
			}
		}
		return new Verdict(c.kind().jsonName(), c.category().jsonName());
	}

}
