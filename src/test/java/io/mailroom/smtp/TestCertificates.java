package io.mailroom.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for "localhost", made once per test JVM with the JDK's keytool, and
 * the TLS contexts a test server and a trusting client need.
 */
final class TestCertificates {

	static final String PASSWORD = "changeit";

	private static Path keyStore;

	private TestCertificates() {
	}

	static synchronized Path keyStore() {
		if (keyStore == null) {
			try {
				Path dir = Files.createTempDirectory("mailroom-tls");
				dir.toFile().deleteOnExit();
				Path file = dir.resolve("server.p12");
				String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
				Process process = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", "server", "-keyalg", "RSA",
						"-keysize", "2048", "-validity", "2", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost",
						"-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", PASSWORD, "-keypass",
						PASSWORD))
					.redirectErrorStream(true)
					.start();
				String output = new String(process.getInputStream().readAllBytes());
				if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
					throw new IllegalStateException("keytool failed: " + output);
				}
				file.toFile().deleteOnExit();
				keyStore = file;
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
		return keyStore;
	}

	private static KeyStore load() throws Exception {
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(keyStore())) {
			store.load(in, PASSWORD.toCharArray());
		}
		return store;
	}

	/** For the test server: presents the self-signed certificate. */
	static SSLContext serverContext() throws Exception {
		KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keys.init(load(), PASSWORD.toCharArray());
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(keys.getKeyManagers(), null, null);
		return context;
	}

	/** For the client: trusts exactly the self-signed certificate, as a configured trust store would. */
	static SSLContext trustingClientContext() throws Exception {
		Certificate certificate = load().getCertificate("server");
		KeyStore trust = KeyStore.getInstance("PKCS12");
		trust.load(null, null);
		trust.setCertificateEntry("server", certificate);
		TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trustManagers.init(trust);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, trustManagers.getTrustManagers(), null);
		return context;
	}

}
