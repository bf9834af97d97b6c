package io.mailroom.common;

import java.security.SecureRandom;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Random secrets shared by every instance on one database (VERP and unsubscribe token signing).
 * Kept in the database so that a token signed by one instance verifies on another and after a
 * restart, without an operator having to configure one.
 */
@Component
public class InstanceSecrets {

	private final JdbcClient jdbc;

	private final SecureRandom random = new SecureRandom();

	public InstanceSecrets(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public byte[] get(String name) {
		byte[] candidate = new byte[32];
		random.nextBytes(candidate);
		// First writer wins; everyone then reads the same value.
		jdbc.sql("insert into instance_secret (name, value) values (?, ?) on conflict (name) do nothing")
			.params(name, candidate)
			.update();
		return jdbc.sql("select value from instance_secret where name = ?").param(name).query(byte[].class).single();
	}

}
