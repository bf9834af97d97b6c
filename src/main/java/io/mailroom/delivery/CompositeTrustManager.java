package io.mailroom.delivery;

import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a server certificate when any of its trust managers does: the JVM's CAs and a configured
 * store (a relay with a private CA), so that configuring one does not break the other. Each
 * delegate is an {@link X509ExtendedTrustManager} and is handed the socket or engine, so its host
 * name check (the endpoint identification set on the connection) still runs.
 */
final class CompositeTrustManager extends X509ExtendedTrustManager {

	private final List<X509ExtendedTrustManager> delegates;

	CompositeTrustManager(List<X509ExtendedTrustManager> delegates) {
		if (delegates.isEmpty()) {
			throw new IllegalArgumentException("at least one trust manager is needed");
		}
		this.delegates = List.copyOf(delegates);
	}

	/** The JVM's default trust managers followed by those of {@code extra}. */
	static CompositeTrustManager jvmDefaultsAnd(KeyStore extra) throws java.security.GeneralSecurityException {
		List<X509ExtendedTrustManager> delegates = new ArrayList<>();
		delegates.add(of(null));
		delegates.add(of(extra));
		return new CompositeTrustManager(delegates);
	}

	private static X509ExtendedTrustManager of(KeyStore store) throws java.security.GeneralSecurityException {
		TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		factory.init(store);
		for (TrustManager manager : factory.getTrustManagers()) {
			if (manager instanceof X509ExtendedTrustManager x509) {
				return x509;
			}
		}
		throw new java.security.KeyStoreException("no X.509 trust manager for " + (store == null ? "the JVM" : "the store"));
	}

	@FunctionalInterface
	private interface Check {

		void run(X509ExtendedTrustManager delegate) throws CertificateException;

	}

	private void anyTrusts(Check check) throws CertificateException {
		CertificateException first = null;
		for (X509ExtendedTrustManager delegate : delegates) {
			try {
				check.run(delegate);
				return;
			}
			catch (CertificateException ex) {
				if (first == null) {
					first = ex;
				}
				else {
					first.addSuppressed(ex);
				}
			}
		}
		throw first;
	}

	@Override
	public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
		anyTrusts(d -> d.checkServerTrusted(chain, authType, socket));
	}

	@Override
	public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
		anyTrusts(d -> d.checkServerTrusted(chain, authType, engine));
	}

	@Override
	public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
		anyTrusts(d -> d.checkServerTrusted(chain, authType));
	}

	@Override
	public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
		anyTrusts(d -> d.checkClientTrusted(chain, authType, socket));
	}

	@Override
	public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
		anyTrusts(d -> d.checkClientTrusted(chain, authType, engine));
	}

	@Override
	public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
		anyTrusts(d -> d.checkClientTrusted(chain, authType));
	}

	@Override
	public X509Certificate[] getAcceptedIssuers() {
		return delegates.stream().flatMap(d -> Arrays.stream(d.getAcceptedIssuers())).toArray(X509Certificate[]::new);
	}

}
