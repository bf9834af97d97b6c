package io.mailroom.template;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.thymeleaf.context.IExpressionContext;
import org.thymeleaf.context.ITemplateContext;
import org.thymeleaf.engine.IterationStatusVar;
import org.thymeleaf.expression.Aggregates;
import org.thymeleaf.expression.Bools;
import org.thymeleaf.expression.Lists;
import org.thymeleaf.expression.Maps;
import org.thymeleaf.expression.Numbers;
import org.thymeleaf.expression.Objects;
import org.thymeleaf.expression.Sets;
import org.thymeleaf.expression.Strings;
import org.thymeleaf.expression.Temporals;
import org.thymeleaf.expression.Uris;
import org.thymeleaf.standard.expression.IStandardVariableExpression;
import org.thymeleaf.standard.expression.IStandardVariableExpressionEvaluator;
import org.thymeleaf.standard.expression.StandardExpressionExecutionContext;
import org.thymeleaf.standard.expression.StandardExpressions;

/**
 * Evaluates {@code ${...}} and {@code *{...}} with the {@link ModelExpression} language instead of
 * OGNL or SpEL. This is the sandbox boundary: the only things reachable from a template are the
 * model (maps, lists, scalars from JSON), loop status variables, and the public methods of the
 * helper objects listed in {@link #HELPERS}. No reflection on model objects, no types, no beans.
 */
final class SandboxedExpressionEvaluator implements IStandardVariableExpressionEvaluator {

	/**
	 * The {@code #helpers} templates may call, with the class behind each (the validator checks
	 * method names against it). {@code mail} is ours; the rest are Thymeleaf's.
	 */
	static final Map<String, Class<?>> HELPERS = Map.ofEntries(Map.entry("mail", MailFormats.class),
			Map.entry("strings", Strings.class), Map.entry("numbers", Numbers.class),
			Map.entry("temporals", Temporals.class), Map.entry("lists", Lists.class), Map.entry("sets", Sets.class),
			Map.entry("maps", Maps.class), Map.entry("bools", Bools.class), Map.entry("aggregates", Aggregates.class),
			Map.entry("uris", Uris.class), Map.entry("objects", Objects.class));

	/**
	 * Helper methods that turn a short template into huge output or huge loops
	 * ({@code #strings.repeat('x', 2000000000)}, {@code #numbers.sequence(1, 1e9)}).
	 */
	private static final Set<String> DENIED_METHODS = Set.of("repeat", "sequence", "arraySequence", "listSequence",
			"setSequence");

	private static final int CACHE_LIMIT = 10_000;

	private final Map<String, ModelExpression> parsed = new ConcurrentHashMap<>();

	@Override
	public Object evaluate(IExpressionContext context, IStandardVariableExpression expression,
			StandardExpressionExecutionContext execution) {
		RenderBudget.current().check();
		ModelExpression e = parse(expression.getExpression());
		Object selection = expression.getUseSelectionAsRoot() && context instanceof ITemplateContext t
				&& t.hasSelectionTarget() ? t.getSelectionTarget() : null;
		Object result = guard(eval(e, context, selection));
		if (execution.getPerformTypeConversion()) {
			return StandardExpressions.getConversionService(context.getConfiguration())
				.convert(context, result, String.class);
		}
		return result;
	}

	private ModelExpression parse(String source) {
		ModelExpression e = parsed.get(source);
		if (e == null) {
			e = ModelExpression.parse(source);
			if (parsed.size() >= CACHE_LIMIT) {
				// stored templates come and go; a full reset is simpler than LRU and rare
				parsed.clear();
			}
			parsed.put(source, e);
		}
		return e;
	}

	private Object eval(ModelExpression e, IExpressionContext context, Object selection) {
		if (e instanceof ModelExpression.Literal l) {
			return l.value();
		}
		if (e instanceof ModelExpression.Variable v) {
			return selection != null ? property(selection, v.name(), e) : context.getVariable(v.name());
		}
		if (e instanceof ModelExpression.Property p) {
			return property(eval(p.target(), context, selection), p.name(), e);
		}
		if (e instanceof ModelExpression.Index i) {
			return index(eval(i.target(), context, selection), eval(i.index(), context, selection), e);
		}
		ModelExpression.HelperCall call = (ModelExpression.HelperCall) e;
		Object[] args = new Object[call.arguments().size()];
		for (int n = 0; n < args.length; n++) {
			args[n] = eval(call.arguments().get(n), context, selection);
		}
		return invoke(helper(call, context), call, args);
	}

	private static Object property(Object target, String name, ModelExpression e) {
		if (target == null) {
			return null;
		}
		if (target instanceof Map<?, ?> map) {
			return map.get(name);
		}
		if (target instanceof Map.Entry<?, ?> entry) {
			switch (name) {
				case "key":
					return entry.getKey();
				case "value":
					return entry.getValue();
				default:
					break;
			}
		}
		if (target instanceof IterationStatusVar status) {
			switch (name) {
				case "index":
					return status.getIndex();
				case "count":
					return status.getCount();
				case "size":
					return status.getSize();
				case "current":
					return status.getCurrent();
				case "first":
					return status.isFirst();
				case "last":
					return status.isLast();
				case "odd":
					return status.isOdd();
				case "even":
					return status.isEven();
				default:
					break;
			}
		}
		throw new ExpressionFailure("'" + name + "' cannot be read from a " + describe(target), e);
	}

	private static Object index(Object target, Object index, ModelExpression e) {
		if (target == null || index == null) {
			return null;
		}
		if (target instanceof Map<?, ?> map) {
			return map.get(index.toString());
		}
		if (target instanceof List<?> list && index instanceof Number n) {
			int i = n.intValue();
			return i >= 0 && i < list.size() ? list.get(i) : null;
		}
		throw new ExpressionFailure("a " + describe(target) + " cannot be indexed with " + describe(index), e);
	}

	private static Object helper(ModelExpression.HelperCall call, IExpressionContext context) {
		if (!HELPERS.containsKey(call.helper())) {
			throw new ExpressionFailure("#" + call.helper() + " is not available in mail templates; helpers: "
					+ HELPERS.keySet().stream().sorted().map(h -> "#" + h).toList(), call);
		}
		if (call.helper().equals("mail")) {
			return new MailFormats(context.getLocale());
		}
		Object helper = context.getExpressionObjects().getObject(call.helper());
		if (!HELPERS.get(call.helper()).isInstance(helper)) {
			throw new ExpressionFailure("#" + call.helper() + " is not available here", call);
		}
		return helper;
	}

	/**
	 * The methods templates may call on each helper class: its own public instance methods, no
	 * varargs. Looked up once per class ({@code getMethods()} copies every Method on each call).
	 */
	private static final ClassValue<List<Method>> METHODS = new ClassValue<>() {
		@Override
		protected List<Method> computeValue(Class<?> type) {
			return Arrays.stream(type.getMethods())
				.filter(m -> m.getDeclaringClass() == type && !Modifier.isStatic(m.getModifiers()) && !m.isVarArgs())
				.toList();
		}
	};

	private static Object invoke(Object helper, ModelExpression.HelperCall call, Object[] args) {
		if (DENIED_METHODS.contains(call.method())) {
			throw new ExpressionFailure("#" + call.helper() + "." + call.method() + " is not allowed in mail templates",
					call);
		}
		for (Method m : METHODS.get(helper.getClass())) {
			if (!m.getName().equals(call.method()) || m.getParameterCount() != args.length) {
				continue;
			}
			Object[] converted = convert(m.getParameterTypes(), args);
			if (converted == null) {
				continue;
			}
			try {
				return m.invoke(helper, converted);
			}
			catch (InvocationTargetException ex) {
				String message = ex.getCause() != null ? ex.getCause().getMessage() : ex.getMessage();
				throw new ExpressionFailure(message, call.arguments().isEmpty() ? call : call.arguments().get(0));
			}
			catch (IllegalAccessException ex) {
				throw new ExpressionFailure("#" + call.helper() + "." + call.method() + " cannot be called", call);
			}
		}
		throw new ExpressionFailure("#" + call.helper() + " has no method " + call.method() + " taking "
				+ args.length + " argument(s) of these types", call);
	}

	/** Arguments converted to the parameter types, or null when they do not fit. */
	private static Object[] convert(Class<?>[] types, Object[] args) {
		Object[] out = new Object[args.length];
		for (int i = 0; i < args.length; i++) {
			Class<?> type = types[i];
			Object arg = args[i];
			if (arg == null) {
				if (type.isPrimitive()) {
					return null;
				}
			}
			else if (type == int.class || type == Integer.class) {
				if (!(arg instanceof Number n)) {
					return null;
				}
				arg = n.intValue();
			}
			else if (type == long.class || type == Long.class) {
				if (!(arg instanceof Number n)) {
					return null;
				}
				arg = n.longValue();
			}
			else if (type == boolean.class || type == Boolean.class) {
				if (!(arg instanceof Boolean)) {
					return null;
				}
			}
			else if (type == String.class && !(arg instanceof String)) {
				arg = arg.toString();
			}
			else if (!type.isInstance(arg)) {
				return null;
			}
			out[i] = arg;
		}
		return out;
	}

	/** Collections leave the sandbox only as lists whose iteration counts against the budget. */
	private static Object guard(Object value) {
		if (value instanceof List<?> list) {
			return RenderBudget.guarded(list);
		}
		if (value instanceof Collection<?> c) {
			return RenderBudget.guarded(new ArrayList<>(c));
		}
		if (value instanceof Object[] array) {
			return RenderBudget.guarded(Arrays.asList(array));
		}
		if (value instanceof Map<?, ?> map) {
			return guardedMap(map);
		}
		return value;
	}

	private static Map<Object, Object> guardedMap(Map<?, ?> map) {
		return new AbstractMap<>() {
			@Override
			public Object get(Object key) {
				return map.get(key);
			}

			@Override
			public boolean containsKey(Object key) {
				return map.containsKey(key);
			}

			@Override
			public int size() {
				return map.size();
			}

			@Override
			public Set<Entry<Object, Object>> entrySet() {
				return new AbstractSet<>() {
					@Override
					public Iterator<Entry<Object, Object>> iterator() {
						Iterator<? extends Entry<?, ?>> it = map.entrySet().iterator();
						return new Iterator<>() {
							@Override
							public boolean hasNext() {
								return it.hasNext();
							}

							@Override
							public Entry<Object, Object> next() {
								RenderBudget.current().check();
								Entry<?, ?> e = it.next();
								return new SimpleImmutableEntry<>(e.getKey(), e.getValue());
							}
						};
					}

					@Override
					public int size() {
						return map.size();
					}
				};
			}
		};
	}

	private static String describe(Object value) {
		if (value instanceof Map) {
			return "object";
		}
		if (value instanceof List) {
			return "list";
		}
		if (value instanceof String) {
			return "text";
		}
		if (value instanceof Number) {
			return "number";
		}
		if (value instanceof Boolean) {
			return "boolean";
		}
		return "value of type " + value.getClass().getSimpleName();
	}

	/** An expression failed; {@code expression} is the part at fault, for the error's field. */
	static final class ExpressionFailure extends RuntimeException {

		private final transient ModelExpression expression;

		ExpressionFailure(String message, ModelExpression expression) {
			super(message);
			this.expression = expression;
		}

		ModelExpression expression() {
			return expression;
		}

	}

}
