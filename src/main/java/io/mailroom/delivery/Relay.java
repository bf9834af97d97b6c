package io.mailroom.delivery;

import java.util.Optional;

/** Where mail leaves: opens sessions that send claimed recipients. */
interface Relay {

	/** A sender thread's session; the SMTP connections themselves live in a pool. */
	RelaySession newSession();

	/**
	 * The destination a recipient's mail goes to, as throttling sees it: the smarthost, or in MX
	 * mode the recipient's domain.
	 */
	String destination(ClaimedRecipient recipient);

	/** The one destination every recipient goes to (smarthost mode), empty when it depends on the recipient. */
	Optional<String> onlyDestination();

	/** Lets at most {@code limit} connections be open to the destination, idle ones included. */
	void limitConnections(String destination, int limit);

	interface RelaySession extends AutoCloseable {

		/** Sends one recipient; never throws: every failure is an {@link AttemptResult}. */
		AttemptResult send(ClaimedRecipient recipient, String returnPath);

		@Override
		void close();

	}

}
