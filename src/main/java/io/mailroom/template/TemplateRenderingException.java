package io.mailroom.template;

/** The template could not be rendered with the given data (missing variable, template error). */
public class TemplateRenderingException extends RuntimeException {

	private final String field;

	/** @param field the data path at fault, e.g. {@code data.order.number}, or null */
	public TemplateRenderingException(String message, String field, Throwable cause) {
		super(message, cause);
		this.field = field;
	}

	public String field() {
		return field;
	}

}
