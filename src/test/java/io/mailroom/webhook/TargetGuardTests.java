package io.mailroom.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SSRF guard's rules, with DNS answers simulated where a name is involved. */
class TargetGuardTests {

	private final TargetGuard guard = new TargetGuard(false, host -> switch (host) {
		case "hooks.example.com" -> new InetAddress[] { InetAddress.getByName("93.184.216.34") };
		case "internal.example.com" -> new InetAddress[] { InetAddress.getByName("10.1.2.3") };
		case "mixed.example.com" -> new InetAddress[] { InetAddress.getByName("93.184.216.34"),
				InetAddress.getByName("192.168.1.10") };
		default -> InetAddress.getAllByName(host);
	});

	@ParameterizedTest
	@ValueSource(strings = { "127.0.0.1", "127.1.2.3", "0.0.0.0", "10.0.0.1", "172.16.5.4", "192.168.0.1",
			"169.254.169.254", "100.100.100.200", "224.0.0.1", "255.255.255.255", "198.18.0.1", "::1", "::",
			"fe80::1", "fc00::1", "fd00:ec2::254", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
			"64:ff9b::a9fe:a9fe", "::7f00:1" })
	void nonPublicAddressIsForbidden(String address) throws UnknownHostException {
		assertThat(TargetGuard.forbidden(InetAddress.getByName(address))).isNotNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "64:ff9b::808:808" })
	void publicAddressIsAllowed(String address) throws UnknownHostException {
		assertThat(TargetGuard.forbidden(InetAddress.getByName(address))).isNull();
	}

	@Test
	void literalPrivateAndLoopbackUrlsAreRefused() {
		assertThatThrownBy(() -> guard.check("http://127.0.0.1/hook")).hasMessageContaining("loopback");
		assertThatThrownBy(() -> guard.check("http://169.254.169.254/latest/meta-data/"))
			.hasMessageContaining("link-local");
		assertThatThrownBy(() -> guard.check("http://[::1]/")).hasMessageContaining("loopback");
		assertThatThrownBy(() -> guard.check("https://localhost:8443/")).hasMessageContaining("loopback");
	}

	@Test
	void hostNameIsJudgedByEveryAddressItResolvesTo() throws Exception {
		assertThat(guard.check("https://hooks.example.com/mailroom").getHost()).isEqualTo("hooks.example.com");
		assertThatThrownBy(() -> guard.check("https://internal.example.com/")).hasMessageContaining("10.1.2.3");
		assertThatThrownBy(() -> guard.check("https://mixed.example.com/")).hasMessageContaining("192.168.1.10");
	}

	@ParameterizedTest
	@ValueSource(strings = { "ftp://hooks.example.com/", "file:///etc/passwd", "gopher://hooks.example.com/",
			"hooks.example.com/hook", "https://user:pass@hooks.example.com/", "https:///nohost",
			"https://hooks.example.com/#frag", "http://exa mple.com/" })
	void malformedOrNonHttpUrlIsRefused(String url) {
		assertThatThrownBy(() -> guard.check(url)).isInstanceOf(TargetGuard.RefusedTarget.class);
	}

	@Test
	void allowingPrivateTargetsSkipsTheAddressCheckButNotTheForm() throws Exception {
		TargetGuard open = new TargetGuard(true);
		assertThat(open.check("http://127.0.0.1:8080/hook").getPort()).isEqualTo(8080);
		assertThatThrownBy(() -> open.check("ftp://127.0.0.1/")).isInstanceOf(TargetGuard.RefusedTarget.class);
	}

}
