package org.cpisgateway.notify;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notifications written with the attendance and not yet on the broker. The inbound route delivers at once; the relay
 * route retries whatever is still pending (broker away, queue missing) until it is delivered.
 */
public class NotificationOutbox {

    private static final Logger LOG = LoggerFactory.getLogger(NotificationOutbox.class);

    private final DataSource dataSource;
    private final String unroutedQueue;

    private final java.time.Clock clock;

    public NotificationOutbox(DataSource dataSource, String unroutedQueue, java.time.Clock clock) {
        this.clock = clock;
        this.dataSource = dataSource;
        this.unroutedQueue = unroutedQueue;
    }

    /** Pending notifications created at least {@code minAgeSeconds} ago, oldest first. */
    public List<Notification> pending(int limit, int minAgeSeconds) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "select notification_id, authority_code, queue_name, payload from notification_outbox "
                             + "where sent_at is null and created_at <= ? order by id fetch first " + limit + " rows only")) {
            ps.setObject(1, OffsetDateTime.now(clock.withZone(ZoneOffset.UTC)).minusSeconds(minAgeSeconds));
            List<Notification> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new Notification(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
            return list;
        }
    }

    public boolean isSent(String notificationId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "select count(*) from notification_outbox where notification_id = ? and sent_at is not null")) {
            ps.setString(1, notificationId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    public void markSent(@Header("cpisNotificationId") String notificationId,
                         @Header("cpisAuthority") String authority,
                         @Header("cpisQueue") String queue) throws SQLException {
        if (unroutedQueue.equals(queue)) {
            markUnrouted(notificationId, authority, queue);
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "update notification_outbox set sent_at = ?, attempts = attempts + 1, last_error = null, "
                        + "delivered_to = ? where notification_id = ?")) {
            ps.setObject(1, OffsetDateTime.now(clock.withZone(ZoneOffset.UTC)));
            ps.setString(2, queue);
            ps.setString(3, notificationId);
            ps.executeUpdate();
        }
    }

    /** The authority has no queue: the notification went to the unrouted queue, where integrators watch for it. */
    public void markUnrouted(@Header("cpisNotificationId") String notificationId,
                             @Header("cpisAuthority") String authority,
                             @Header("cpisQueue") String unroutedQueue) throws SQLException {
        LOG.error("Notification {} for authority {} sent to {}: the broker has no queue for that authority. "
                + "Add the authority (README: Adding an authority) and move the message on.", notificationId,
                authority, unroutedQueue);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "update notification_outbox set sent_at = ?, attempts = attempts + 1, delivered_to = ?, "
                        + "last_error = 'no queue for authority' where notification_id = ?")) {
            ps.setObject(1, OffsetDateTime.now(clock.withZone(ZoneOffset.UTC)));
            ps.setString(2, unroutedQueue);
            ps.setString(3, notificationId);
            ps.executeUpdate();
        }
    }

    public void markFailed(@Header("cpisNotificationId") String notificationId,
                           @Header("cpisAuthority") String authority, Exception cause) throws SQLException {
        String error = cause == null ? "unknown" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        LOG.warn("Notification {} for authority {} not delivered yet, kept for retry: {}", notificationId, authority,
                error);
        update("update notification_outbox set attempts = attempts + 1, last_error = ? where notification_id = ?",
                error.length() > 500 ? error.substring(0, 500) : error, notificationId);
    }

    private void update(String sql, Object first, String id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, first);
            ps.setString(2, id);
            ps.executeUpdate();
        }
    }
}
