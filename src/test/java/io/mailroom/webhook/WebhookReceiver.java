package io.mailroom.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real HTTP server (the JDK's) receiving webhooks on 127.0.0.1: it records every request and
 * answers each path with scripted replies, then 200.
 */
class WebhookReceiver implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** One request as it arrived. */
	record Request(String path, Map<String, List<String>> headers, String body, Instant receivedAt) {

		String header(String name) {
			return headers.entrySet()
				.stream()
				.filter(e -> e.getKey().equalsIgnoreCase(name))
				.flatMap(e -> e.getValue().stream())
				.findFirst()
				.orElse(null);
		}

		JsonNode json() {
			return JSON.readTree(body);
		}

		String type() {
			return json().get("type").asString();
		}

	}

	/** A scripted answer. */
	record Reply(int status, Map<String, String> headers, String body) {

		static Reply status(int status) {
			return new Reply(status, Map.of(), "");
		}

	}

	private final HttpServer server;

	private final List<Request> requests = new CopyOnWriteArrayList<>();

	private final Map<String, Queue<Reply>> scripts = new ConcurrentHashMap<>();

	private final Map<String, String> scriptMatches = new ConcurrentHashMap<>();

	WebhookReceiver() {
		try {
			server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		server.createContext("/", this::handle);
		server.setExecutor(Executors.newCachedThreadPool());
		server.start();
	}

	/** The URL of a path on this receiver, e.g. {@code url("/orders")}. */
	String url(String path) {
		return "http://127.0.0.1:" + server.getAddress().getPort() + path;
	}

	/** The next requests to {@code path} get these answers, in order; later ones get 200. */
	void script(String path, Reply... replies) {
		scripts.computeIfAbsent(path, p -> new ConcurrentLinkedQueue<>()).addAll(List.of(replies));
	}

	/** As {@link #script(String, Reply...)}, for requests whose body contains {@code text} only. */
	void script(String path, String text, Reply... replies) {
		scriptMatches.put(path, text);
		script(path, replies);
	}

	List<Request> requests(String path) {
		return requests.stream().filter(r -> r.path().equals(path)).toList();
	}

	private void handle(HttpExchange exchange) throws IOException {
		byte[] body;
		try (InputStream in = exchange.getRequestBody()) {
			body = in.readAllBytes();
		}
		String path = exchange.getRequestURI().getPath();
		Map<String, List<String>> headers = new ConcurrentHashMap<>();
		exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, new ArrayList<>(v)));
		requests.add(new Request(path, headers, new String(body, StandardCharsets.UTF_8), Instant.now()));
		Queue<Reply> script = scripts.get(path);
		String match = scriptMatches.get(path);
		boolean scripted = match == null || new String(body, StandardCharsets.UTF_8).contains(match);
		Reply reply = script == null || !scripted ? null : script.poll();
		if (reply == null) {
			reply = new Reply(200, Map.of(), "ok");
		}
		reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
		byte[] answer = reply.body().getBytes(StandardCharsets.UTF_8);
		exchange.sendResponseHeaders(reply.status(), answer.length == 0 ? -1 : answer.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(answer);
		}
	}

	@Override
	public void close() {
		server.stop(0);
	}

}
