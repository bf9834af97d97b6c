package io.mailroom.delivery;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Wakes the delivery worker when another transaction commits new work ({@code NOTIFY
 * mailroom_work}), so a message is picked up in milliseconds instead of at the next poll. One
 * pooled connection stays checked out for LISTEN; it is re-opened after a database restart.
 */
@Component
class WorkNotifications implements SmartLifecycle {

	static final String CHANNEL = "mailroom_work";

	private static final Logger log = LoggerFactory.getLogger(WorkNotifications.class);

	private final DataSource dataSource;

	private final DeliveryWorker worker;

	private final DeliveryProperties properties;

	private volatile boolean running;

	private Thread thread;

	WorkNotifications(DataSource dataSource, DeliveryWorker worker, DeliveryProperties properties) {
		this.dataSource = dataSource;
		this.worker = worker;
		this.properties = properties;
	}

	@Override
	public void start() {
		if (!properties.enabled()) {
			return;
		}
		running = true;
		thread = new Thread(this::listen, "mailroom-listen");
		thread.setDaemon(true);
		thread.start();
	}

	private void listen() {
		Duration backoff = Duration.ofMillis(500);
		while (running) {
			try (Connection connection = dataSource.getConnection()) {
				try (Statement statement = connection.createStatement()) {
					statement.execute("listen " + CHANNEL);
				}
				if (!connection.getAutoCommit()) {
					connection.commit();
				}
				PGConnection pg = connection.unwrap(PGConnection.class);
				backoff = Duration.ofMillis(500);
				// Anything committed while we were not listening is found by this first claim.
				worker.wake();
				while (running) {
					PGNotification[] notifications = pg.getNotifications(500);
					if (notifications != null && notifications.length > 0) {
						worker.wake();
					}
				}
			}
			catch (SQLException ex) {
				if (!running) {
					return;
				}
				log.warn("LISTEN connection lost ({}); reconnecting in {}", ex.getMessage(), backoff);
				try {
					Wakeup.sleep(backoff);
				}
				catch (InterruptedException ie) {
					Thread.currentThread().interrupt();
					return;
				}
				backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10)
						: backoff.multipliedBy(2);
			}
		}
	}

	@Override
	public void stop() {
		running = false;
		if (thread != null) {
			try {
				thread.join(2000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return running;
	}

}
