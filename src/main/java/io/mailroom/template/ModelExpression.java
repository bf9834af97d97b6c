package io.mailroom.template;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The expression language allowed inside {@code ${...}} and {@code *{...}} of mail templates.
 *
 * <p>Deliberately tiny, because it is the sandbox: a template can read the model (map keys, list
 * indexes), use literals, and call a method only on a named helper object ({@code #mail.money(x,
 * 'EUR')}, {@code #strings.toUpperCase(x)}). There is no syntax for static members ({@code T(...)},
 * {@code @Class@member}), constructors, bean references ({@code @bean}), assignment or arbitrary
 * method calls, so injection payloads written for SpEL or OGNL do not even parse. Operators and
 * conditionals still work because Thymeleaf evaluates them outside the braces: {@code ${a} > 1}.
 */
sealed interface ModelExpression {

	/** A variable of the context: a model root ({@code order}) or a local ({@code item}). */
	record Variable(String name) implements ModelExpression {
	}

	/** {@code target.name} or {@code target['name']}. */
	record Property(ModelExpression target, String name) implements ModelExpression {
	}

	/** {@code target[index]} where index is an expression. */
	record Index(ModelExpression target, ModelExpression index) implements ModelExpression {
	}

	/** {@code #helper.method(args)}. */
	record HelperCall(String helper, String method, List<ModelExpression> arguments) implements ModelExpression {
	}

	record Literal(Object value) implements ModelExpression {
	}

	/** The dotted model path this expression reads ({@code order.items[0].name}), or null. */
	default String path() {
		if (this instanceof Variable v) {
			return v.name();
		}
		if (this instanceof Property p) {
			String target = p.target().path();
			return target == null ? null : target + "." + p.name();
		}
		if (this instanceof Index i) {
			String target = i.target().path();
			if (target == null) {
				return null;
			}
			return i.index() instanceof Literal l ? target + "[" + l.value() + "]" : target + "[]";
		}
		return null;
	}

	/** Calls {@code visitor} with every variable this expression reads. */
	default void variables(Consumer<Variable> visitor) {
		if (this instanceof Variable v) {
			visitor.accept(v);
		}
		else if (this instanceof Property p) {
			p.target().variables(visitor);
		}
		else if (this instanceof Index i) {
			i.target().variables(visitor);
			i.index().variables(visitor);
		}
		else if (this instanceof HelperCall c) {
			c.arguments().forEach(a -> a.variables(visitor));
		}
	}

	static ModelExpression parse(String source) {
		return new Parser(source).parseWhole();
	}

	/** The expression is not in the template expression language. {@code offset} is 0-based. */
	final class SyntaxException extends RuntimeException {

		private final int offset;

		SyntaxException(String message, int offset) {
			super(message);
			this.offset = offset;
		}

		int offset() {
			return offset;
		}

	}

	final class Parser {

		private final String s;

		private int pos;

		Parser(String source) {
			this.s = source;
		}

		ModelExpression parseWhole() {
			skipSpace();
			if (pos == s.length()) {
				throw error("empty expression");
			}
			ModelExpression e = expression();
			skipSpace();
			if (pos != s.length()) {
				throw error(unexpected() + "; only model paths, literals and #helper.method(...) calls are allowed"
						+ " (operators go outside the braces: ${a} > 1)");
			}
			return e;
		}

		private ModelExpression expression() {
			ModelExpression e = primary();
			while (true) {
				skipSpace();
				if (peek('.')) {
					pos++;
					skipSpace();
					e = new Property(e, identifier());
				}
				else if (peek('[')) {
					pos++;
					skipSpace();
					ModelExpression index = expression();
					skipSpace();
					expect(']');
					e = index instanceof Literal l && l.value() instanceof String key ? new Property(e, key)
							: new Index(e, index);
				}
				else if (peek('(')) {
					throw error("method calls are only allowed on #helpers, e.g. #strings.toUpperCase(x)");
				}
				else {
					return e;
				}
			}
		}

		private ModelExpression primary() {
			skipSpace();
			if (pos >= s.length()) {
				throw error("expression ends too early");
			}
			char c = s.charAt(pos);
			if (c == '#') {
				pos++;
				String helper = identifier();
				skipSpace();
				expect('.');
				skipSpace();
				String method = identifier();
				skipSpace();
				expect('(');
				List<ModelExpression> args = new ArrayList<>();
				skipSpace();
				if (!peek(')')) {
					do {
						args.add(expression());
						skipSpace();
					}
					while (consume(','));
				}
				expect(')');
				return new HelperCall(helper, method, List.copyOf(args));
			}
			if (c == '\'' || c == '"') {
				return new Literal(string(c));
			}
			if (Character.isDigit(c) || (c == '-' && pos + 1 < s.length() && Character.isDigit(s.charAt(pos + 1)))) {
				return new Literal(number());
			}
			if (Character.isJavaIdentifierStart(c) && c != '$') {
				int start = pos;
				String name = identifier();
				switch (name) {
					case "true":
						return new Literal(Boolean.TRUE);
					case "false":
						return new Literal(Boolean.FALSE);
					case "null":
						return new Literal(null);
					case "new":
						pos = start;
						throw error("constructors are not allowed");
					default:
						// T(...) and name(...) fail in expression(): calls only exist on #helpers
						return new Variable(name);
				}
			}
			throw error(unexpected());
		}

		private String identifier() {
			int start = pos;
			if (pos < s.length() && Character.isJavaIdentifierStart(s.charAt(pos)) && s.charAt(pos) != '$') {
				pos++;
				while (pos < s.length() && Character.isJavaIdentifierPart(s.charAt(pos)) && s.charAt(pos) != '$') {
					pos++;
				}
				return s.substring(start, pos);
			}
			throw error("a name was expected, " + unexpected());
		}

		private String string(char quote) {
			int start = pos;
			pos++;
			StringBuilder b = new StringBuilder();
			while (pos < s.length()) {
				char c = s.charAt(pos++);
				if (c == '\\' && pos < s.length()) {
					b.append(s.charAt(pos++));
				}
				else if (c == quote) {
					return b.toString();
				}
				else {
					b.append(c);
				}
			}
			pos = start;
			throw error("unterminated string");
		}

		private BigDecimal number() {
			int start = pos;
			if (s.charAt(pos) == '-') {
				pos++;
			}
			while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '.')) {
				pos++;
			}
			try {
				return new BigDecimal(s.substring(start, pos));
			}
			catch (NumberFormatException ex) {
				pos = start;
				throw error("malformed number");
			}
		}

		private void skipSpace() {
			while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
				pos++;
			}
		}

		private boolean peek(char c) {
			return pos < s.length() && s.charAt(pos) == c;
		}

		private boolean consume(char c) {
			if (peek(c)) {
				pos++;
				skipSpace();
				return true;
			}
			return false;
		}

		private void expect(char c) {
			if (!peek(c)) {
				throw error("'" + c + "' expected, " + unexpected());
			}
			pos++;
		}

		private String unexpected() {
			return pos >= s.length() ? "but the expression ends" : "unexpected '" + s.charAt(pos) + "'";
		}

		private SyntaxException error(String message) {
			return new SyntaxException(message + " at offset " + pos + " in '" + s + "'", pos);
		}

	}

}
