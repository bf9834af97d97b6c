package io.mailroom.web;

import java.io.IOException;

/** The request body exceeded {@code mailroom.limits.max-request-size}. */
public class RequestTooLargeException extends IOException {

	public RequestTooLargeException(long limit) {
		super("The request body is larger than the limit of " + limit + " bytes");
	}

}
