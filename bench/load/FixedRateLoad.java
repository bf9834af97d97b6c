import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-model load: sends POST requests on a fixed schedule (request i is due at start + i/rate)
 * and measures each response from the time it was due, not from when it was sent, so a slow
 * server is charged for the requests it held up (no coordinated omission). Plain HTTP/1.1 over
 * kept-alive sockets, one per worker thread, so the client itself costs little CPU.
 *
 * java bench/load/FixedRateLoad.java port path apiKey rate seconds bodyFile [workers] [runTag] [leadIn]
 * leadIn: seconds sent at the same rate before the measured part and left out of its figures
 * (this client's JIT and the server's new connections; default 0); their p99 is printed apart.
 * The body file's {{to}} becomes a distinct recipient per request (r-TAG-i@bench.test).
 * Bounded: requests not started within the run plus a grace period (a quarter of the run, at
 * least 10 s) are not sent and are counted as "unsent".
 * Prints key=value lines: offered, sent, unsent, ok, errors, rate, p50_ms, p90_ms, p99_ms, max_ms.
 */
public class FixedRateLoad {

	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt(args[0]);
		String path = args[1];
		String key = args[2];
		double rate = Double.parseDouble(args[3]);
		double seconds = Double.parseDouble(args[4]);
		String body = Files.readString(Path.of(args[5])).strip();
		int workers = args.length > 6 ? Integer.parseInt(args[6]) : 64;
		String tag = args.length > 7 ? args[7] : Long.toString(System.currentTimeMillis() % 100000);
		double leadIn = args.length > 8 ? Double.parseDouble(args[8]) : 0;
		int skipped = (int) Math.round(rate * leadIn);
		int total = skipped + (int) Math.round(rate * seconds);
		long[] latency = new long[total];
		Arrays.fill(latency, -1);
		AtomicInteger next = new AtomicInteger();
		AtomicInteger ok = new AtomicInteger();
		Map<String, Integer> errors = new ConcurrentHashMap<>();
		Map<String, Integer> leadErrors = new ConcurrentHashMap<>();
		long start = System.nanoTime() + 100_000_000L;
		double interval = 1e9 / rate;
		long measured = start + (long) (leadIn * 1e9);
		long deadline = measured + (long) (seconds * 1e9) + (long) Math.max(10e9, seconds * 0.25e9);
		Thread[] threads = new Thread[workers];
		for (int w = 0; w < workers; w++) {
			threads[w] = new Thread(() -> {
				Connection connection = null;
				int i;
				while ((i = next.getAndIncrement()) < total && System.nanoTime() < deadline) {
					long due = start + (long) (i * interval);
					long wait = due - System.nanoTime();
					if (wait > 0) {
						LockSupport.parkNanos(wait);
					}
					try {
						if (connection == null) {
							connection = new Connection(port);
						}
						byte[] payload = body.replace("{{to}}", "r-" + tag + "-" + i + "@bench.test")
							.getBytes(StandardCharsets.UTF_8);
						int status = connection.post(path, key, payload);
						latency[i] = System.nanoTime() - due;
						if (connection.closed) {
							connection = close(connection);
						}
						if (status >= 200 && status < 300) {
							if (i >= skipped) {
								ok.incrementAndGet();
							}
						}
						else {
							(i >= skipped ? errors : leadErrors).merge("HTTP " + status, 1, Integer::sum);
						}
					}
					catch (IOException ex) {
						latency[i] = System.nanoTime() - due;
						(i >= skipped ? errors : leadErrors).merge(ex.getClass().getSimpleName(), 1, Integer::sum);
						connection = close(connection);
					}
				}
				close(connection);
			}, "load-" + w);
			threads[w].start();
		}
		for (Thread t : threads) {
			t.join();
		}
		double elapsed = (System.nanoTime() - measured) / 1e9;
		long[] done = Arrays.stream(latency, skipped, total).filter(l -> l >= 0).sorted().toArray();
		long[] lead = Arrays.stream(latency, 0, skipped).filter(l -> l >= 0).sorted().toArray();
		int errorCount = errors.values().stream().mapToInt(Integer::intValue).sum();
		System.out.printf("offered=%.0f%n", rate);
		System.out.printf("sent=%d%n", done.length);
		System.out.printf("unsent=%d%n", total - skipped - done.length);
		System.out.printf("ok=%d%n", ok.get());
		System.out.printf("errors=%d%s%n", errorCount, errors.isEmpty() ? "" : " " + new TreeMap<>(errors));
		System.out.printf("rate=%.0f%n", ok.get() / elapsed);
		System.out.printf("p50_ms=%.1f%n", percentile(done, 50));
		System.out.printf("p90_ms=%.1f%n", percentile(done, 90));
		System.out.printf("p99_ms=%.1f%n", percentile(done, 99));
		System.out.printf("max_ms=%.1f%n", done.length == 0 ? 0 : done[done.length - 1] / 1e6);
		// where in the run the tail lies: p99 of each 5 s of requests (by when they were due)
		StringBuilder windows = new StringBuilder();
		int window = (int) Math.max(1, Math.round(rate * 5));
		for (int from = skipped; from < total; from += window) {
			long[] part = Arrays.stream(latency, from, Math.min(total, from + window)).filter(l -> l >= 0).sorted().toArray();
			// "-" for a window where nothing was sent (all of it past the deadline)
			windows.append(windows.isEmpty() ? "" : ",").append(part.length == 0 ? "-" : String.format("%.0f", percentile(part, 99)));
		}
		System.out.printf("p99_ms_per_5s=%s%n", windows);
		if (skipped > 0) {
			System.out.printf("lead_in_s=%.0f%n", leadIn);
			System.out.printf("lead_in_p99_ms=%.1f%n", percentile(lead, 99));
			System.out.printf("lead_in_errors=%d%s%n", leadErrors.values().stream().mapToInt(Integer::intValue).sum(),
					leadErrors.isEmpty() ? "" : " " + new TreeMap<>(leadErrors));
		}
	}

	static double percentile(long[] sorted, double p) {
		if (sorted.length == 0) {
			return 0;
		}
		int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
	}

	static Connection close(Connection c) {
		if (c != null) {
			try {
				c.socket.close();
			}
			catch (IOException ignored) {
				// nothing to do: the connection is dropped either way
			}
		}
		return null;
	}

	/** One kept-alive HTTP/1.1 connection; reads Content-Length and chunked responses. */
	static final class Connection {

		final Socket socket;

		final OutputStream out;

		final InputStream in;

		boolean closed;

		Connection(int port) throws IOException {
			socket = new Socket();
			socket.setTcpNoDelay(true);
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			socket.setSoTimeout(30000);
			out = socket.getOutputStream();
			in = new BufferedInputStream(socket.getInputStream(), 16384);
		}

		int post(String path, String key, byte[] body) throws IOException {
			String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
					+ "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
			byte[] h = head.getBytes(StandardCharsets.US_ASCII);
			byte[] request = Arrays.copyOf(h, h.length + body.length);
			System.arraycopy(body, 0, request, h.length, body.length);
			out.write(request);
			out.flush();
			String status = line();
			int code = Integer.parseInt(status.substring(9, 12));
			long length = -1;
			boolean chunked = false;
			boolean closeAfter = false;
			String header;
			while (!(header = line()).isEmpty()) {
				String lower = header.toLowerCase();
				if (lower.startsWith("content-length:")) {
					length = Long.parseLong(header.substring(15).trim());
				}
				else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
					chunked = true;
				}
				else if (lower.startsWith("connection:") && lower.contains("close")) {
					closeAfter = true;
				}
			}
			if (chunked) {
				long size;
				while ((size = Long.parseLong(line().split(";")[0].trim(), 16)) > 0) {
					skip(size);
					line();
				}
				while (!line().isEmpty()) {
					// trailers
				}
			}
			else if (length > 0) {
				skip(length);
			}
			// Tomcat ends a kept-alive connection after maxKeepAliveRequests: reconnect, not an error.
			closed = closeAfter;
			return code;
		}

		private void skip(long n) throws IOException {
			while (n > 0) {
				long skipped = in.skip(n);
				if (skipped <= 0) {
					if (in.read() < 0) {
						throw new IOException("connection closed");
					}
					skipped = 1;
				}
				n -= skipped;
			}
		}

		private String line() throws IOException {
			StringBuilder s = new StringBuilder();
			int c;
			while ((c = in.read()) != '\n') {
				if (c < 0) {
					throw new IOException("connection closed");
				}
				if (c != '\r') {
					s.append((char) c);
				}
			}
			return s.toString();
		}

	}

}
