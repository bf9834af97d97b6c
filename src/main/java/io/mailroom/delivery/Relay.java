package io.mailroom.delivery;

/** Where mail leaves: opens sessions that send claimed recipients. */
interface Relay {

	/** A sender thread's session; it may keep an SMTP connection open between recipients. */
	RelaySession newSession();

	interface RelaySession extends AutoCloseable {

		/** Sends one recipient; never throws: every failure is an {@link AttemptResult}. */
		AttemptResult send(ClaimedRecipient recipient, String returnPath);

		@Override
		void close();

	}

}
