package io.mailroom.delivery;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;

import javax.sql.DataSource;

import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.MutableClock;
import io.mailroom.support.Payloads;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A claim the instance cannot read to the end is not a claim: its recipients stay due at once
 * rather than sitting out a lease. The reading fails for real — the driver refuses results larger
 * than its {@code maxResultBuffer}, as it would run out of memory on a large claim.
 */
@MailroomTest
class ClaimReadFailureTests {

	@LocalServerPort
	int port;

	@Autowired
	DataSource dataSource;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	JsonMapper json;

	@Autowired
	MutableClock clock;

	@Test
	void aClaimWhoseRowsCannotBeReadLeavesItsRecipientsDue() throws Exception {
		Api api = new Api(port);
		for (int i = 0; i < 3; i++) {
			assertThat(api.post("/messages", Payloads.orderConfirmation("reader" + i + "@example.com")).status())
				.isEqualTo(202);
		}
		RecipientClaims smallBuffer = claimsReadingAtMost("8192");
		clock.advance(Duration.ofSeconds(1));
		Instant now = clock.instant();

		// the driver closes the connection after refusing the rows, so the rollback reports that;
		// the server ends the uncommitted transaction with the connection
		assertThatThrownBy(() -> smallBuffer.claim("reader", 100, now, now.plus(Duration.ofMinutes(5))))
			.isInstanceOf(RuntimeException.class);

		assertThat(jdbc.sql("select count(*) from recipient where claimed_by = 'reader' or status = 'sending'")
			.query(Integer.class)
			.single()).isZero();
		assertThat(jdbc.sql("select count(*) from recipient where email like 'reader_@example.com' and status = 'queued'")
			.query(Integer.class)
			.single()).isEqualTo(3);
	}

	private RecipientClaims claimsReadingAtMost(String bytes) throws Exception {
		String url;
		String user;
		try (Connection connection = dataSource.getConnection()) {
			url = connection.getMetaData().getURL();
			user = connection.getMetaData().getUserName();
		}
		Properties properties = new Properties();
		properties.setProperty("user", user);
		properties.setProperty("maxResultBuffer", bytes);
		SimpleDriverDataSource small = new SimpleDriverDataSource(new org.postgresql.Driver(), url, properties);
		return new RecipientClaims(JdbcClient.create(small), json,
				new TransactionTemplate(new DataSourceTransactionManager(small)));
	}

}
