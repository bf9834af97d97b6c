package io.mailroom.template;

import java.util.List;

/** A template was refused when stored: syntax errors, unknown variables, unsafe constructs. */
public class TemplateValidationException extends RuntimeException {

	private final List<TemplateProblem> problems;

	public TemplateValidationException(List<TemplateProblem> problems) {
		super(summary(problems));
		this.problems = List.copyOf(problems);
	}

	public List<TemplateProblem> problems() {
		return problems;
	}

	private static String summary(List<TemplateProblem> problems) {
		TemplateProblem first = problems.get(0);
		String where = first.line() != null ? " (line " + first.line() + ", column " + first.column() + ")" : "";
		String more = problems.size() > 1 ? " and " + (problems.size() - 1) + " more problem(s)" : "";
		return first.field() + where + ": " + first.message() + more;
	}

}
