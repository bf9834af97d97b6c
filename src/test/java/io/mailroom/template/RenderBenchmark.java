package io.mailroom.template;

import java.util.Locale;
import java.util.Map;

/**
 * How long rendering a built-in takes once warm (subject, HTML with CSS inlining, text), which
 * bounds how many messages per second one core can accept. Run with {@code bench/template-render.sh}.
 */
public final class RenderBenchmark {

	private RenderBenchmark() {
	}

	public static void main(String[] args) {
		int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
		MailTemplates templates = new TemplateCatalog(new TemplateProperties(null, null, null));
		measure(templates, "order-confirmation", SampleModels.order(), rounds);
		measure(templates, "alert", SampleModels.alert("critical"), rounds);
	}

	private static void measure(MailTemplates templates, String name, Map<String, Object> data, int rounds) {
		for (int i = 0; i < rounds; i++) {
			templates.render(name, i % 2 == 0 ? Locale.ENGLISH : Locale.GERMAN, data);
		}
		long start = System.nanoTime();
		for (int i = 0; i < rounds; i++) {
			templates.render(name, i % 2 == 0 ? Locale.ENGLISH : Locale.GERMAN, data);
		}
		double micros = (System.nanoTime() - start) / 1000.0 / rounds;
		System.out.printf("%-20s %8.0f µs/render  %8.0f renders/s (one thread)%n", name, micros, 1_000_000 / micros);
	}

}
