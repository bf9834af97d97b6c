package io.mailroom.delivery;

/** Sends one claimed recipient and says what happened. Implementations never throw. */
interface Relay extends AutoCloseable {

	AttemptResult send(ClaimedRecipient recipient, String returnPath);

	@Override
	void close();

}
