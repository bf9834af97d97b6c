package io.mailroom.web;

import java.util.List;

/** Thrown by controllers and services to answer with a problem document of a known type. */
public class ProblemException extends RuntimeException {

	private final ProblemType type;

	private final List<FieldProblem> errors;

	public ProblemException(ProblemType type, String detail) {
		this(type, detail, List.of());
	}

	public ProblemException(ProblemType type, String detail, List<FieldProblem> errors) {
		super(detail);
		this.type = type;
		this.errors = List.copyOf(errors);
	}

	public static ProblemException invalid(List<FieldProblem> errors) {
		String detail = errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).message()
				: errors.size() + " fields are invalid";
		return new ProblemException(ProblemType.VALIDATION, detail, errors);
	}

	public ProblemType type() {
		return type;
	}

	public List<FieldProblem> errors() {
		return errors;
	}

}
