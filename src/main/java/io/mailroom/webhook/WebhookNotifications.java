package io.mailroom.webhook;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Wakes the dispatcher when events commit anywhere (a trigger on {@code message_event} sends
 * {@code NOTIFY mailroom_webhook}), so a webhook leaves in milliseconds instead of at the next
 * poll. One pooled connection stays checked out for LISTEN; it is re-opened after a database
 * restart.
 */
@Component
class WebhookNotifications implements SmartLifecycle {

	static final String CHANNEL = "mailroom_webhook";

	private static final Logger log = LoggerFactory.getLogger(WebhookNotifications.class);

	private final DataSource dataSource;

	private final WebhookDispatcher dispatcher;

	private final WebhookProperties properties;

	private volatile boolean running;

	private Thread thread;

	WebhookNotifications(DataSource dataSource, WebhookDispatcher dispatcher, WebhookProperties properties) {
		this.dataSource = dataSource;
		this.dispatcher = dispatcher;
		this.properties = properties;
	}

	@Override
	public void start() {
		if (!properties.dispatch() || running) {
			return;
		}
		running = true;
		thread = new Thread(this::listen, "mailroom-webhook-listen");
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
				// Anything committed while we were not listening is found by the next round.
				dispatcher.wake();
				while (running) {
					PGNotification[] notifications = pg.getNotifications(500);
					if (notifications != null && notifications.length > 0) {
						dispatcher.wake();
					}
				}
			}
			catch (SQLException ex) {
				if (!running) {
					return;
				}
				log.warn("Webhook LISTEN connection lost ({}); reconnecting in {}", ex.getMessage(), backoff);
				try {
					TimeUnit.MILLISECONDS.sleep(backoff.toMillis());
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
