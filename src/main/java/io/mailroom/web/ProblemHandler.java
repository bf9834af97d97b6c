package io.mailroom.web;

import java.util.List;

import io.mailroom.template.TemplateNotFoundException;
import io.mailroom.template.TemplateRenderingException;
import io.mailroom.template.TemplateValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Every error leaves the API as an RFC 9457 problem document with one of {@link ProblemType}'s types. */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

	@ExceptionHandler(ProblemException.class)
	ResponseEntity<ProblemDetail> problem(ProblemException ex) {
		return respond(Problems.of(ex));
	}

	@ExceptionHandler(TemplateNotFoundException.class)
	ResponseEntity<ProblemDetail> unknownTemplate(TemplateNotFoundException ex) {
		return respond(Problems.of(ex));
	}

	@ExceptionHandler(TemplateRenderingException.class)
	ResponseEntity<ProblemDetail> templateError(TemplateRenderingException ex) {
		return respond(Problems.of(ex));
	}

	/** errors[] entries carry line and column of the offending source. */
	@ExceptionHandler(TemplateValidationException.class)
	ResponseEntity<ProblemDetail> invalidTemplate(TemplateValidationException ex) {
		ProblemDetail problem = Problems.of(ProblemType.TEMPLATE_INVALID, ex.getMessage());
		problem.setProperty("errors", ex.problems());
		return respond(problem);
	}

	@ExceptionHandler(RequestTooLargeException.class)
	ResponseEntity<ProblemDetail> tooLarge(RequestTooLargeException ex) {
		return respond(Problems.of(ProblemType.PAYLOAD_TOO_LARGE, ex.getMessage()));
	}

	@ExceptionHandler(MethodArgumentTypeMismatchException.class)
	ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException ex) {
		return respond(Problems.invalid(List.of(new FieldProblem(ex.getName(), "has an invalid value"))));
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<ProblemDetail> unexpected(Exception ex) {
		log.error("Unhandled error", ex);
		return respond(Problems.of(ProblemType.INTERNAL, "An unexpected error occurred"));
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		Throwable cause = ex.getMostSpecificCause();
		if (cause instanceof RequestTooLargeException tooLarge) {
			return cast(tooLarge(tooLarge));
		}
		for (Throwable t = ex.getCause(); t != null; t = t.getCause()) {
			if (t instanceof JacksonException unreadable) {
				return cast(respond(Problems.unreadable(unreadable)));
			}
		}
		return cast(respond(Problems.of(ProblemType.MALFORMED_REQUEST, readableReason(ex))));
	}

	@Override
	protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		return cast(respond(Problems.of(ProblemType.UNSUPPORTED_MEDIA_TYPE, ex.getMessage())));
	}

	@Override
	protected ResponseEntity<Object> handleHttpRequestMethodNotSupported(HttpRequestMethodNotSupportedException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		return cast(respond(Problems.of(ProblemType.METHOD_NOT_ALLOWED, ex.getMessage())));
	}

	@Override
	protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException ex, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		return cast(respond(Problems.of(ProblemType.NOT_FOUND, "No resource at " + ex.getResourcePath())));
	}

	@Override
	protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		return cast(respond(Problems.invalid(List.of(new FieldProblem(ex.getParameterName(), "is required")))));
	}

	private static String readableReason(HttpMessageNotReadableException ex) {
		String message = ex.getMostSpecificCause().getMessage();
		if (message == null) {
			return "The body is not valid JSON";
		}
		// Jackson's messages end with a source excerpt; the first line says what is wrong.
		int cut = message.indexOf('\n');
		return "The body is not valid JSON for this request: " + (cut > 0 ? message.substring(0, cut) : message);
	}

	private static ResponseEntity<ProblemDetail> respond(ProblemDetail problem) {
		return ResponseEntity.status(problem.getStatus()).body(problem);
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static ResponseEntity<Object> cast(ResponseEntity<ProblemDetail> response) {
		return (ResponseEntity) response;
	}

}
