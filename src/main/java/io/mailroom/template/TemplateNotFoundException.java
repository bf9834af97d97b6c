package io.mailroom.template;

public class TemplateNotFoundException extends RuntimeException {

	private final String name;

	public TemplateNotFoundException(String name) {
		super("No template named '" + name + "'");
		this.name = name;
	}

	public String name() {
		return name;
	}

}
