package io.mailroom.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mailroom.template.TemplateNotFoundException;
import io.mailroom.template.TemplateRenderingException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

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

	public static ProblemDetail of(TemplateNotFoundException ex) {
		ProblemDetail problem = of(ProblemType.UNKNOWN_TEMPLATE, ex.getMessage());
		problem.setProperty("errors", List.of(new FieldProblem("template", ex.getMessage())));
		return problem;
	}

	public static ProblemDetail of(TemplateRenderingException ex) {
		ProblemDetail problem = of(ProblemType.TEMPLATE_ERROR, ex.getMessage());
		if (ex.field() != null) {
			problem.setProperty("errors", List.of(new FieldProblem(ex.field(), ex.getMessage())));
		}
		return problem;
	}

	/**
	 * A problem as a plain JSON object, for responses that embed problems (batch items): the same
	 * members, in the same order, as a problem response has.
	 */
	public static Map<String, Object> document(ProblemDetail problem) {
		Map<String, Object> document = new LinkedHashMap<>();
		document.put("type", problem.getType().toString());
		document.put("title", problem.getTitle());
		document.put("status", problem.getStatus());
		document.put("detail", problem.getDetail());
		if (problem.getInstance() != null) {
			document.put("instance", problem.getInstance().toString());
		}
		if (problem.getProperties() != null) {
			document.putAll(problem.getProperties());
		}
		return document;
	}

	/**
	 * A body Jackson could not read. Where Jackson knows the field at fault (an unknown field, a
	 * value of the wrong type) it is named in {@code errors[]}, as for validation failures.
	 */
	public static ProblemDetail unreadable(JacksonException ex) {
		String message = ex.getOriginalMessage();
		// Jackson's messages may end with a source excerpt; the first line says what is wrong.
		int cut = message == null ? -1 : message.indexOf('\n');
		String reason = message == null ? "unreadable" : cut > 0 ? message.substring(0, cut) : message;
		String field = path(ex.getPath());
		ProblemDetail problem = of(ProblemType.MALFORMED_REQUEST,
				ex instanceof UnrecognizedPropertyException && !field.isEmpty() ? "Unknown field '" + field + "'"
						: "The body is not valid JSON for this request: " + reason);
		if (!field.isEmpty()) {
			String what = ex instanceof UnrecognizedPropertyException ? "is not a known field"
					: ex instanceof MismatchedInputException ? "has the wrong type or format" : "could not be read";
			problem.setProperty("errors", List.of(new FieldProblem(field, what)));
		}
		return problem;
	}

	private static String path(List<JacksonException.Reference> references) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : references) {
			if (reference.getPropertyName() != null) {
				if (!path.isEmpty()) {
					path.append('.');
				}
				path.append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.toString();
	}

}
