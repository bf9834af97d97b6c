package io.mailroom.smtp;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/** Wraps a connected socket in TLS 1.2+ with the verification the settings ask for. */
final class TlsSockets {

	private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

	private TlsSockets() {
	}

	static SSLSocket handshake(Socket plain, String host, SmtpClientSettings settings, int timeoutMillis)
			throws IOException {
		SSLContext context = settings.sslContext() != null ? settings.sslContext() : defaultContext();
		SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, host, plain.getPort(), true);
		SSLParameters parameters = tls.getSSLParameters();
		List<String> protocols = new ArrayList<>(PROTOCOLS);
		protocols.retainAll(Arrays.asList(tls.getSupportedProtocols()));
		parameters.setProtocols(protocols.toArray(String[]::new));
		if (settings.verifyHostname()) {
			// "HTTPS" is the JDK's RFC 2818/6125 host-name check; it is what SMTP uses too (RFC 7817)
			parameters.setEndpointIdentificationAlgorithm("HTTPS");
		}
		if (!isAddressLiteral(host)) {
			parameters.setServerNames(List.of(new SNIHostName(host)));
		}
		tls.setSSLParameters(parameters);
		tls.setSoTimeout(timeoutMillis);
		tls.startHandshake();
		return tls;
	}

	static boolean isAddressLiteral(String host) {
		return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
	}

	private static SSLContext defaultContext() throws IOException {
		try {
			return SSLContext.getDefault();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IOException("no default TLS context", ex);
		}
	}

	static SSLContext acceptingAnyCertificate() {
		try {
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, new TrustManager[] { new AcceptAnyCertificate() }, null);
			return context;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("TLS is not available in this JVM", ex);
		}
	}

	/** Used only when the caller asked for encryption without authentication. */
	private static final class AcceptAnyCertificate extends X509ExtendedTrustManager {

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			return new X509Certificate[0];
		}

	}


}
