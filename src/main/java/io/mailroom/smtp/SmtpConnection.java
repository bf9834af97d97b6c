package io.mailroom.smtp;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

import io.mailroom.smtp.ReplyReader.MalformedReplyException;
import io.mailroom.smtp.SmtpException.Kind;
import io.mailroom.smtp.TransactionResult.RecipientResult;

/**
 * One SMTP session, greeted, EHLO'd and (per settings) encrypted and authenticated, ready for
 * {@link #send} any number of times. Not thread-safe: one caller at a time, as with a pool.
 */
public final class SmtpConnection implements AutoCloseable {

	/** Probes and QUIT must not hold a caller for the full RFC "other" timeout of 5 minutes. */
	private static final Duration SHORT_EXCHANGE = Duration.ofSeconds(10);

	private static final long NO_DEADLINE = Long.MAX_VALUE;

	private final SmtpClientSettings settings;

	private final SmtpTimeouts timeouts;

	private final String remoteHost;

	private final int port;

	private final long openedAtNanos = System.nanoTime();

	private final Transcript sessionTranscript = new Transcript();

	private Transcript transcript = sessionTranscript;

	private volatile Socket socket;

	private ReplyReader reader;

	private OutputStream out;

	private ServerExtensions extensions = ServerExtensions.NONE;

	private String tlsProtocol;

	private boolean open;

	private int transactions;

	private String stage = "connect";

	private long writeTimeoutNanos = Duration.ofMinutes(5).toNanos();

	private volatile long writeDeadline = NO_DEADLINE;

	private long readDeadline = NO_DEADLINE;

	private volatile boolean writeAborted;

	private SmtpConnection(SmtpClientSettings settings, String remoteHost, int port) {
		this.settings = settings;
		this.timeouts = settings.timeouts();
		this.remoteHost = remoteHost;
		this.port = port;
	}

	static SmtpConnection open(SmtpClientSettings settings, String host, InetAddress address, int port)
			throws SmtpException {
		SmtpConnection connection = new SmtpConnection(settings, host, port);
		try {
			connection.establish(address);
			return connection;
		}
		catch (IOException ex) {
			throw connection.failure(ex);
		}
	}

	// ---- session set-up ------------------------------------------------------------------

	private void establish(InetAddress address) throws IOException {
		InetSocketAddress target = address != null ? new InetSocketAddress(address, port)
				: new InetSocketAddress(remoteHost, port);
		if (target.isUnresolved()) {
			throw failure(Kind.CONNECT, "cannot resolve host " + remoteHost, null, null);
		}
		Socket plain = new Socket();
		try {
			plain.setTcpNoDelay(true);
			plain.connect(target, millis(timeouts.connect()));
		}
		catch (SocketTimeoutException ex) {
			closeQuietly(plain);
			throw failure(Kind.TIMEOUT, "connecting to " + describeTarget(target) + " timed out after "
					+ timeouts.connect().toSeconds() + " s", null, ex);
		}
		catch (IOException ex) {
			closeQuietly(plain);
			throw failure(Kind.CONNECT, "cannot connect to " + describeTarget(target) + ": " + ex.getMessage(), null,
					ex);
		}
		socket = plain;
		open = true;
		bindStreams();
		WriteWatchdog.watch(this);
		transcript.note("connected to " + describeTarget(target));
		if (settings.tlsMode() == TlsMode.IMPLICIT) {
			startTls();
		}
		stage = "greeting";
		SmtpReply greeting = read(timeouts.greeting());
		if (greeting.code() != 220) {
			// RFC 5321 §3.1: a 554 greeting still expects QUIT; 421 means the server is going away
			if (greeting.code() != 421) {
				quietQuit();
			}
			throw failure(Kind.PROTOCOL, "server refused the session: " + greeting, greeting, null);
		}
		hello();
		if (settings.tlsMode() == TlsMode.STARTTLS_OPPORTUNISTIC || settings.tlsMode() == TlsMode.STARTTLS_REQUIRED) {
			negotiateStartTls();
		}
		if (settings.hasCredentials()) {
			authenticate();
		}
	}

	private static String describeTarget(InetSocketAddress target) {
		String host = target.getHostString();
		InetAddress address = target.getAddress();
		String ip = address != null ? address.getHostAddress() : "?";
		return (host.equals(ip) ? "[" + ip + "]" : host + " [" + ip + "]") + ":" + target.getPort();
	}

	private void hello() throws IOException {
		stage = "EHLO";
		SmtpReply reply = command("EHLO " + settings.heloName(), timeouts.other());
		if (reply.code() == 250) {
			extensions = ServerExtensions.fromEhlo(reply);
			return;
		}
		endIfClosing(reply);
		if (!reply.isPermanentFailure()) {
			throw failure(Kind.PROTOCOL, "EHLO refused: " + reply, reply, null);
		}
		// RFC 5321 §3.2: a server that does not know EHLO answers 5xx; fall back to HELO
		stage = "HELO";
		reply = command("HELO " + settings.heloName(), timeouts.other());
		endIfClosing(reply);
		if (reply.code() != 250) {
			quietQuit();
			throw failure(Kind.PROTOCOL, "HELO refused: " + reply, reply, null);
		}
		extensions = ServerExtensions.NONE;
	}

	private void negotiateStartTls() throws IOException {
		boolean required = settings.tlsMode() == TlsMode.STARTTLS_REQUIRED;
		if (!extensions.has("STARTTLS")) {
			if (required) {
				quietQuit();
				throw failure(Kind.TLS, "STARTTLS is required but " + remoteHost + " does not offer it", null, null);
			}
			return;
		}
		stage = "STARTTLS";
		SmtpReply reply = command("STARTTLS", timeouts.other());
		endIfClosing(reply);
		if (reply.code() != 220) {
			// RFC 3207 §4: 454 "TLS not available due to temporary reason"
			if (required) {
				quietQuit();
				throw failure(Kind.TLS, "STARTTLS is required but " + remoteHost + " refused it: " + reply, reply, null);
			}
			transcript.note("continuing without TLS");
			return;
		}
		if (reader.hasBufferedInput()) {
			// anything read before the handshake came in plaintext and could have been injected by a
			// man in the middle (the CVE-2011-0411 class of attack): never act on it
			throw failure(Kind.PROTOCOL, "server sent data after its STARTTLS reply", null, null);
		}
		startTls();
		// RFC 3207 §4.2: forget what the plaintext EHLO said and ask again
		extensions = ServerExtensions.NONE;
		hello();
	}

	private void startTls() throws IOException {
		stage = "TLS handshake";
		SSLSocket tls;
		try {
			tls = TlsSockets.handshake(socket, remoteHost, settings, millis(timeouts.other()));
		}
		catch (SocketTimeoutException ex) {
			throw failure(Kind.TIMEOUT, "TLS handshake with " + remoteHost + " timed out", null, ex);
		}
		catch (SSLException ex) {
			throw failure(Kind.TLS, "TLS handshake with " + remoteHost + " failed: " + ex.getMessage(), null, ex);
		}
		socket = tls;
		bindStreams();
		tlsProtocol = tls.getSession().getProtocol();
		transcript.note("TLS established: " + tlsProtocol + " " + tls.getSession().getCipherSuite());
	}

	private void authenticate() throws IOException {
		stage = "AUTH";
		if (tlsProtocol == null && !settings.allowPlaintextAuth()) {
			quietQuit();
			throw failure(Kind.AUTH, "refusing to send credentials to " + remoteHost
					+ " over an unencrypted connection (use TLS, or allow plaintext AUTH explicitly)", null, null);
		}
		SmtpReply reply;
		if (extensions.offersAuth("PLAIN")) {
			// RFC 4616: authorization identity empty, NUL, user, NUL, password
			String token = base64("\0" + settings.username() + "\0" + nullToEmpty(settings.password()));
			reply = command("AUTH PLAIN " + token, "AUTH PLAIN <redacted>", timeouts.other());
		}
		else if (extensions.offersAuth("LOGIN")) {
			reply = command("AUTH LOGIN", timeouts.other());
			if (reply.code() == 334) {
				reply = command(base64(settings.username()), "<redacted>", timeouts.other());
			}
			if (reply.code() == 334) {
				reply = command(base64(nullToEmpty(settings.password())), "<redacted>", timeouts.other());
			}
		}
		else {
			quietQuit();
			String offered = extensions.parameters().get("AUTH");
			throw failure(Kind.AUTH, remoteHost + (offered == null ? " does not offer AUTH"
					: " offers no AUTH mechanism we support (" + offered + ")"), null, null);
		}
		endIfClosing(reply);
		if (reply.code() == 235) {
			return;
		}
		if (reply.code() == 334) {
			// a challenge where none belongs: cancel the exchange (RFC 4954 §4) before leaving
			command("*", timeouts.other());
		}
		quietQuit();
		if (reply.code() == 535) {
			throw failure(Kind.AUTH, "credentials refused by " + remoteHost + ": " + reply, reply, null);
		}
		throw failure(Kind.AUTH, "authentication with " + remoteHost + " failed: " + reply, reply, null);
	}

	// ---- mail transactions ---------------------------------------------------------------

	/**
	 * Runs one mail transaction. Refusals of MAIL, RCPT or DATA are results, not exceptions;
	 * exceptions mean the session is over ({@link Kind#PERMANENT}: the message cannot go to this
	 * server at all, and the session stays usable).
	 */
	public TransactionResult send(Envelope envelope, byte[] rfc5322Message) throws SmtpException {
		long started = System.nanoTime();
		transcript = new Transcript();
		if (transactions == 0) {
			transcript.append(sessionTranscript);
		}
		else {
			transcript.note("connection reused, transaction " + (transactions + 1));
		}
		if (!isOpen()) {
			throw failure(Kind.CONNECT, "connection to " + remoteHost + " is closed", null, null);
		}
		MessageBody.Shape shape = MessageBody.inspect(rfc5322Message);
		String mailCommand = mailCommand(envelope, shape);
		try {
			return extensions.has("PIPELINING") ? sendPipelined(envelope, rfc5322Message, mailCommand, shape, started)
					: sendLockStep(envelope, rfc5322Message, mailCommand, shape, started);
		}
		catch (IOException ex) {
			throw failure(ex);
		}
	}

	/** Checks what the server said it cannot take before a byte is sent, and builds MAIL FROM. */
	private String mailCommand(Envelope envelope, MessageBody.Shape shape) throws SmtpException {
		if (shape.longestLine() > MessageBody.MAX_LINE_OCTETS) {
			throw refusedLocally(554, "5.6.0", "message has a line of " + shape.longestLine()
					+ " octets; SMTP allows " + MessageBody.MAX_LINE_OCTETS + " (RFC 5321 4.5.3.1.6)");
		}
		boolean smtpUtf8 = envelope.needsSmtpUtf8() || shape.eightBitHeaders();
		if (smtpUtf8 && !extensions.has("SMTPUTF8")) {
			if (envelope.needsSmtpUtf8()) {
				throw refusedLocally(553, "5.6.7", "an address is not ASCII and " + remoteHost
						+ " does not offer SMTPUTF8 (RFC 6531)");
			}
			throw refusedLocally(554, "5.6.9", "the message header is not ASCII and " + remoteHost
					+ " does not offer SMTPUTF8 (RFC 6532)");
		}
		boolean eightBit = shape.eightBitBody();
		if (eightBit && !extensions.has("8BITMIME") && !smtpUtf8) {
			throw refusedLocally(554, "5.6.3", "the message has 8-bit content and " + remoteHost
					+ " does not offer 8BITMIME (RFC 6152)");
		}
		long limit = extensions.has("SIZE") ? extensions.sizeLimit() : 0;
		if (limit > 0 && shape.size() > limit) {
			throw refusedLocally(552, "5.3.4", "message size " + shape.size() + " exceeds the limit of " + limit
					+ " octets announced by " + remoteHost + " (RFC 1870)");
		}
		StringBuilder command = new StringBuilder(64).append("MAIL FROM:<").append(envelope.mailFrom()).append('>');
		if (extensions.has("SIZE")) {
			command.append(" SIZE=").append(shape.size());
		}
		if (eightBit && extensions.has("8BITMIME")) {
			command.append(" BODY=8BITMIME");
		}
		if (smtpUtf8) {
			command.append(" SMTPUTF8");
		}
		return command.toString();
	}

	private SmtpException refusedLocally(int code, String enhanced, String text) {
		SmtpReply reply = new SmtpReply(code, enhanced, List.of(text + "; not sent"));
		transcript.note("refused locally: " + reply);
		return new SmtpException(Kind.PERMANENT, text, reply, transcript.toString(), null);
	}

	// RFC 2920: RSET, MAIL, every RCPT and DATA leave in one write; replies come back in order.
	private TransactionResult sendPipelined(Envelope envelope, byte[] message, String mailCommand,
			MessageBody.Shape shape, long started) throws IOException {
		boolean reset = transactions > 0;
		transactions++;
		stage = "MAIL";
		if (reset) {
			queue("RSET");
		}
		queue(mailCommand);
		for (String recipient : envelope.recipients()) {
			queue("RCPT TO:<" + recipient + ">");
		}
		queue("DATA");
		flush(timeouts.mail());
		if (reset) {
			stage = "RSET";
			expectReset(read(timeouts.other()));
		}
		stage = "MAIL";
		SmtpReply mail = read(timeouts.mail());
		endIfClosing(mail);
		stage = "RCPT";
		List<RecipientResult> recipients = new ArrayList<>(envelope.recipients().size());
		boolean anyAccepted = false;
		for (String recipient : envelope.recipients()) {
			SmtpReply reply = read(timeouts.rcpt());
			endIfClosing(reply);
			recipients.add(new RecipientResult(recipient, reply));
			anyAccepted |= reply.isPositive();
		}
		anyAccepted &= mail.isPositive();
		stage = "DATA";
		SmtpReply dataInit = read(timeouts.dataInit());
		endIfClosing(dataInit);
		SmtpReply data;
		if (dataInit.code() != 354) {
			data = anyAccepted ? dataInit : null;
		}
		else if (!anyAccepted) {
			// RFC 2920 §3.1: DATA was accepted although nobody is to receive the mail; an empty
			// message ends it without delivering anything
			stage = "end of data";
			queueRaw(".", ".");
			flush(timeouts.dataBlock());
			endIfClosing(read(timeouts.dataTerm()));
			data = null;
		}
		else {
			data = transmitBody(message, shape);
		}
		return result(mail, recipients, data, started);
	}

	private TransactionResult sendLockStep(Envelope envelope, byte[] message, String mailCommand,
			MessageBody.Shape shape, long started) throws IOException {
		if (transactions > 0) {
			stage = "RSET";
			expectReset(command("RSET", timeouts.other()));
		}
		transactions++;
		stage = "MAIL";
		SmtpReply mail = command(mailCommand, timeouts.mail());
		endIfClosing(mail);
		List<RecipientResult> recipients = new ArrayList<>(envelope.recipients().size());
		if (!mail.isPositive()) {
			for (String recipient : envelope.recipients()) {
				recipients.add(new RecipientResult(recipient, mail));
			}
			return result(mail, recipients, null, started);
		}
		stage = "RCPT";
		boolean anyAccepted = false;
		for (String recipient : envelope.recipients()) {
			SmtpReply reply = command("RCPT TO:<" + recipient + ">", timeouts.rcpt());
			endIfClosing(reply);
			recipients.add(new RecipientResult(recipient, reply));
			anyAccepted |= reply.isPositive();
		}
		if (!anyAccepted) {
			return result(mail, recipients, null, started);
		}
		stage = "DATA";
		SmtpReply dataInit = command("DATA", timeouts.dataInit());
		endIfClosing(dataInit);
		SmtpReply data = dataInit.code() == 354 ? transmitBody(message, shape) : dataInit;
		return result(mail, recipients, data, started);
	}

	private SmtpReply transmitBody(byte[] message, MessageBody.Shape shape) throws IOException {
		stage = "message data";
		transcript.client("<message body, " + shape.size() + " bytes>");
		transcript.client(".");
		writeTimeoutNanos = timeouts.dataBlock().toNanos();
		MessageBody.write(message, shape, out);
		out.flush();
		stage = "end of data";
		SmtpReply reply = read(timeouts.dataTerm());
		endIfClosing(reply);
		return reply;
	}

	private void expectReset(SmtpReply reply) throws IOException {
		endIfClosing(reply);
		if (!reply.isPositive()) {
			throw failure(Kind.PROTOCOL, "RSET refused: " + reply, reply, null);
		}
	}

	private TransactionResult result(SmtpReply mail, List<RecipientResult> recipients, SmtpReply data, long started) {
		return new TransactionResult(mail, recipients, data, transcript.toString(),
				Duration.ofNanos(System.nanoTime() - started));
	}

	// ---- state and reuse -----------------------------------------------------------------

	public boolean isOpen() {
		return open && !socket.isClosed();
	}

	/**
	 * Checks that an idle session still answers (NOOP) before it is reused. A dead or confused
	 * session is closed and {@code false} returned.
	 */
	public boolean probe() {
		if (!isOpen()) {
			return false;
		}
		Transcript previous = transcript;
		transcript = new Transcript();
		try {
			stage = "NOOP";
			if (reader.hasBufferedInput() || socket.getInputStream().available() > 0) {
				// something arrived unasked, typically "421 idle timeout": replies would be misattributed
				closeSocket();
				return false;
			}
			if (command("NOOP", shortTimeout()).code() == 250) {
				return true;
			}
			closeSocket();
			return false;
		}
		catch (IOException ex) {
			closeSocket();
			return false;
		}
		finally {
			transcript = previous;
		}
	}

	/** EHLO keywords in upper case, e.g. {@code PIPELINING}, {@code SIZE}, {@code STARTTLS}. */
	public Set<String> extensions() {
		return extensions.keywords();
	}

	public String remoteHost() {
		return remoteHost;
	}

	public int remotePort() {
		return port;
	}

	/** The negotiated TLS protocol (e.g. {@code TLSv1.3}), or {@code null} for plaintext. */
	public String tlsProtocol() {
		return tlsProtocol;
	}

	/** The SIZE limit announced in EHLO, 0 when none. */
	public long sizeLimit() {
		return extensions.has("SIZE") ? extensions.sizeLimit() : 0;
	}

	/** Transactions started on this session so far. */
	public int transactionCount() {
		return transactions;
	}

	/** Time since the TCP connection was made. */
	public Duration age() {
		return Duration.ofNanos(System.nanoTime() - openedAtNanos);
	}

	/** The session set-up: connect, greeting, EHLO, TLS and AUTH (redacted). */
	public String sessionTranscript() {
		return sessionTranscript.toString();
	}

	/** Sends QUIT and closes the socket. Never throws. */
	@Override
	public void close() {
		if (isOpen()) {
			transcript = new Transcript();
			quietQuit();
		}
		closeSocket();
	}

	// ---- wire helpers --------------------------------------------------------------------

	private void bindStreams() throws IOException {
		reader = new ReplyReader(new DeadlineInputStream(socket.getInputStream()));
		out = new BufferedOutputStream(new DeadlineOutputStream(socket.getOutputStream()), 16 * 1024);
	}

	private SmtpReply command(String command, Duration timeout) throws IOException {
		return command(command, command, timeout);
	}

	private SmtpReply command(String command, String shown, Duration timeout) throws IOException {
		queueRaw(command, shown);
		flush(timeout);
		return read(timeout);
	}

	private void queue(String command) throws IOException {
		queueRaw(command, command);
	}

	private void queueRaw(String command, String shown) throws IOException {
		transcript.client(shown);
		out.write(command.getBytes(StandardCharsets.UTF_8));
		out.write('\r');
		out.write('\n');
	}

	private void flush(Duration timeout) throws IOException {
		writeTimeoutNanos = timeout.toNanos();
		out.flush();
	}

	private SmtpReply read(Duration timeout) throws IOException {
		readDeadline = System.nanoTime() + timeout.toNanos();
		try {
			return reader.read(transcript::server);
		}
		finally {
			readDeadline = NO_DEADLINE;
		}
	}

	/** RFC 5321 §3.8: 421 means the server is closing the session, whatever the stage. */
	private void endIfClosing(SmtpReply reply) throws SmtpException {
		if (reply.code() == 421) {
			throw failure(Kind.PROTOCOL, remoteHost + " is closing the session during " + stage + ": " + reply, reply,
					null);
		}
	}

	private void quietQuit() {
		try {
			stage = "QUIT";
			command("QUIT", shortTimeout());
		}
		catch (IOException ex) {
			// the session ends either way
		}
	}

	private Duration shortTimeout() {
		return timeouts.other().compareTo(SHORT_EXCHANGE) < 0 ? timeouts.other() : SHORT_EXCHANGE;
	}

	void abortWriteIfOverdue(long nowNanos) {
		long deadline = writeDeadline;
		if (deadline != NO_DEADLINE && nowNanos - deadline > 0) {
			writeAborted = true;
			closeQuietly(socket);
		}
	}

	private void closeSocket() {
		open = false;
		WriteWatchdog.forget(this);
		if (socket != null) {
			closeQuietly(socket);
		}
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// nothing left to do with it
		}
	}

	private SmtpException failure(Kind kind, String message, SmtpReply reply, Throwable cause) {
		closeSocket();
		transcript.note(message);
		return new SmtpException(kind, message, reply, transcript.toString(), cause);
	}

	private SmtpException failure(IOException ex) {
		if (ex instanceof SmtpException smtp) {
			closeSocket();
			return smtp;
		}
		String where = " during " + stage + " with " + remoteHost;
		if (writeAborted) {
			return failure(Kind.TIMEOUT, "write timed out" + where, null, ex);
		}
		if (ex instanceof SocketTimeoutException) {
			return failure(Kind.TIMEOUT, "timed out waiting for a reply" + where, null, ex);
		}
		if (ex instanceof MalformedReplyException) {
			return failure(Kind.PROTOCOL, ex.getMessage() + where, null, ex);
		}
		return failure(Kind.CONNECT, "connection lost" + where + ": " + ex.getMessage(), null, ex);
	}

	private static int millis(Duration duration) {
		long millis = duration.toMillis();
		// 0 would mean "wait for ever" to java.net
		return (int) Math.max(1, Math.min(Integer.MAX_VALUE, millis));
	}

	private static String base64(String text) {
		return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
	}

	private static String nullToEmpty(String text) {
		return text == null ? "" : text;
	}

	@Override
	public String toString() {
		return "SmtpConnection[" + remoteHost + ":" + port + (tlsProtocol != null ? ", " + tlsProtocol : "")
				+ (open ? "" : ", closed") + "]";
	}

	/** Arms the write watchdog around each socket write, in bounded chunks. */
	/**
	 * Bounds the wait for a whole reply, not each read: a server that drips one byte just inside the
	 * read timeout would otherwise hold a sender for as many timeouts as a reply may have octets.
	 */
	private final class DeadlineInputStream extends InputStream {

		private final InputStream raw;

		DeadlineInputStream(InputStream raw) {
			this.raw = raw;
		}

		@Override
		public int read() throws IOException {
			arm();
			return raw.read();
		}

		@Override
		public int read(byte[] bytes, int offset, int length) throws IOException {
			arm();
			return raw.read(bytes, offset, length);
		}

		private void arm() throws IOException {
			if (readDeadline == NO_DEADLINE) {
				return;
			}
			long left = readDeadline - System.nanoTime();
			if (left <= 0) {
				throw new SocketTimeoutException("no complete reply within the timeout");
			}
			socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left))));
		}

	}

	private final class DeadlineOutputStream extends OutputStream {

		private static final int CHUNK = 64 * 1024;

		private final OutputStream raw;

		DeadlineOutputStream(OutputStream raw) {
			this.raw = raw;
		}

		@Override
		public void write(int b) throws IOException {
			write(new byte[] { (byte) b }, 0, 1);
		}

		@Override
		public void write(byte[] bytes, int offset, int length) throws IOException {
			while (length > 0) {
				int chunk = Math.min(length, CHUNK);
				writeDeadline = System.nanoTime() + writeTimeoutNanos;
				try {
					raw.write(bytes, offset, chunk);
				}
				finally {
					writeDeadline = NO_DEADLINE;
				}
				offset += chunk;
				length -= chunk;
			}
		}

		@Override
		public void flush() throws IOException {
			raw.flush();
		}

	}

}
