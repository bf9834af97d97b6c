package io.mailroom.template;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.Map;

/**
 * How long rendering a built-in takes once warm (subject, HTML with CSS inlining, text), which
 * bounds how many messages per second one core can accept. Run with {@code bench/template-render.sh}.
 */
public final class RenderBenchmark {

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private RenderBenchmark() {
	}

	public static void main(String[] args) {
		int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
		MailTemplates templates = new TemplateCatalog(new TemplateProperties(null, null, null));
		measure(templates, "order-confirmation", SampleModels.order(), rounds);
		measure(templates, "alert", SampleModels.alert("critical"), rounds);
	}

	/** A rendered order confirmation, for benchmarks of what follows rendering. */
	public static RenderedTemplate sampleOrderConfirmation() {
		return new TemplateCatalog(new TemplateProperties(null, null, null)).render("order-confirmation",
				Locale.ENGLISH, SampleModels.order());
	}

	private static void measure(MailTemplates templates, String name, Map<String, Object> data, int rounds) {
		for (int i = 0; i < rounds; i++) {
			templates.render(name, i % 2 == 0 ? Locale.ENGLISH : Locale.GERMAN, data);
		}
		// best of five passes of thread CPU time: the machine is shared, CPU time is what a render costs
		double best = Double.MAX_VALUE;
		double wall = 0;
		for (int pass = 0; pass < 5; pass++) {
			long start = System.nanoTime();
			long cpu = THREADS.getCurrentThreadCpuTime();
			for (int i = 0; i < rounds; i++) {
				templates.render(name, i % 2 == 0 ? Locale.ENGLISH : Locale.GERMAN, data);
			}
			double micros = (THREADS.getCurrentThreadCpuTime() - cpu) / 1000.0 / rounds;
			if (micros < best) {
				best = micros;
				wall = (System.nanoTime() - start) / 1000.0 / rounds;
			}
		}
		System.out.printf("%-20s %8.0f µs CPU/render (best of 5 passes of %d; %.0f µs wall)  %8.0f renders/s per core%n",
				name, best, rounds, wall, 1_000_000 / best);
	}

}
