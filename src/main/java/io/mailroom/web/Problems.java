package io.mailroom.web;

import java.util.List;

import org.springframework.http.ProblemDetail;

/** Builds the problem documents; the one place their shape is decided. */
public final class Problems {

	private Problems() {
	}

	public static ProblemDetail of(ProblemType type, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(type.status(), detail);
		problem.setType(type.type());
		problem.setTitle(type.title());
		return problem;
	}

	public static ProblemDetail of(ProblemException ex) {
		ProblemDetail problem = of(ex.type(), ex.getMessage());
		if (!ex.errors().isEmpty()) {
			problem.setProperty("errors", ex.errors());
		}
		return problem;
	}

	public static ProblemDetail invalid(List<FieldProblem> errors) {
		return of(ProblemException.invalid(errors));
	}

}
