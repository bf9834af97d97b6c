package io.mailroom.message;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import io.mailroom.template.RenderBenchmark;
import io.mailroom.template.RenderedTemplate;

/**
 * How long composing the MIME of a rendered order confirmation takes once warm (headers,
 * multipart/alternative, quoted-printable text and HTML). Run with {@code bench/template-render.sh}.
 */
public final class ComposeBenchmark {

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private ComposeBenchmark() {
	}

	public static void main(String[] args) {
		int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
		RenderedTemplate rendered = RenderBenchmark.sampleOrderConfirmation();
		MimeComposer composer = new MimeComposer(Clock.systemUTC());
		MimeComposer.Composition composition = new MimeComposer.Composition("<bench@example.com>",
				MimeComposer.address("shop@example.com", "Example Shop"),
				List.of(MimeComposer.address("ana@example.com", "Ana Lima")), List.of(), null, rendered.subject(),
				rendered.text(), rendered.html(), Map.of(), List.of(), null, null);
		int bytes = 0;
		for (int i = 0; i < rounds; i++) {
			bytes = composer.compose(composition).length;
		}
		double best = Double.MAX_VALUE;
		for (int pass = 0; pass < 5; pass++) {
			long cpu = THREADS.getCurrentThreadCpuTime();
			for (int i = 0; i < rounds; i++) {
				composer.compose(composition);
			}
			best = Math.min(best, (THREADS.getCurrentThreadCpuTime() - cpu) / 1000.0 / rounds);
		}
		System.out.printf("%-20s %8.0f µs CPU/compose (best of 5 passes of %d; %d bytes of MIME)%n", "compose", best,
				rounds, bytes);
	}

}
