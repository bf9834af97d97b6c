package io.mailroom.web;

/** One validation failure: the JSON path of the field and what is wrong with it. */
public record FieldProblem(String field, String message) {
}
