package io.mailroom.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed server certificate made with the JDK's keytool, the TLS context a test server
 * presents it with, and a trust store file holding only the certificate, as an operator would
 * configure it in {@code mailroom.relay.trust-store}.
 */
final class SelfSignedCertificate {

	static final String PASSWORD = "changeit";

	private final Path keyStore;

	private SelfSignedCertificate(Path keyStore) {
		this.keyStore = keyStore;
	}

	/** @param subjectAlternativeNames keytool syntax, e.g. {@code dns:localhost,ip:127.0.0.1} */
	static SelfSignedCertificate create(String commonName, String subjectAlternativeNames) {
		try {
			Path dir = Files.createTempDirectory("mailroom-relay-tls");
			Path file = dir.resolve("server.p12");
			String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
			Process process = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", "server", "-keyalg", "RSA",
					"-keysize", "2048", "-validity", "2", "-dname", "CN=" + commonName, "-ext",
					"SAN=" + subjectAlternativeNames, "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass",
					PASSWORD, "-keypass", PASSWORD))
				.redirectErrorStream(true)
				.start();
			String output = new String(process.getInputStream().readAllBytes());
			if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException("keytool failed: " + output);
			}
			file.toFile().deleteOnExit();
			dir.toFile().deleteOnExit();
			return new SelfSignedCertificate(file);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private KeyStore load() throws IOException, GeneralSecurityException {
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(keyStore)) {
			store.load(in, PASSWORD.toCharArray());
		}
		return store;
	}

	X509Certificate certificate() throws IOException, GeneralSecurityException {
		return (X509Certificate) load().getCertificate("server");
	}

	/** For the test server: presents the certificate. */
	SSLContext serverContext() throws IOException, GeneralSecurityException {
		KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keys.init(load(), PASSWORD.toCharArray());
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(keys.getKeyManagers(), null, null);
		return context;
	}

	/** A PKCS#12 trust store with the certificate alone (no private key). */
	KeyStore trustStore() throws IOException, GeneralSecurityException {
		KeyStore trust = KeyStore.getInstance("PKCS12");
		trust.load(null, null);
		trust.setCertificateEntry("relay", certificate());
		return trust;
	}

	/** Writes {@link #trustStore()} to a temporary file, protected with {@link #PASSWORD}. */
	Path trustStoreFile() throws IOException, GeneralSecurityException {
		Path file = Files.createTempFile("relay-trust", ".p12");
		file.toFile().deleteOnExit();
		try (OutputStream out = Files.newOutputStream(file)) {
			trustStore().store(out, PASSWORD.toCharArray());
		}
		return file;
	}

}
