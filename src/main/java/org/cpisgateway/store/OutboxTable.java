package org.cpisgateway.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.cpisgateway.notify.Notification;

/**
 * The {@code notification_outbox} table: notifications written with their attendance (same transaction), then
 * delivered by the one sender through each channel of their authority ({@link DeliveryTable} holds each channel's
 * state). A row is pending until {@code sent_at} is set, once every channel has it; {@code delivered_to} says where
 * the last channel put it (the authority's queue, the unrouted queue when the broker has none, or another channel).
 */
public class OutboxTable {

    private final DataSource dataSource;
    private final Clock clock;

    public OutboxTable(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** Per authority: delivered to its queue, parked on the unrouted queue, and still waiting. */
    public record AuthorityCounts(String authority, long delivered, long unrouted, long waiting) {
    }

    /**
     * A notification to be sent once whoever records it (a pattern alert, whose id is derived from the pattern):
     * inserted unless the outbox already has it. Returns whether it was inserted.
     */
    static boolean insertOnce(Connection c, Notification n, OffsetDateTime createdAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select 1 from notification_outbox where notification_id = ?")) {
            ps.setString(1, n.notificationId());
            try (var rs = ps.executeQuery()) {
                if (rs.next()) {
                    return false;
                }
            }
        }
        java.sql.Savepoint sp = c.setSavepoint();
        try {
            insert(c, n, createdAt);
            return true;
        } catch (SQLException e) {
            c.rollback(sp); // another gateway recorded it a moment ago
            if (SqlErrors.isDuplicateKey(e)) {
                return false;
            }
            throw e;
        }
    }

    static void insert(Connection c, Notification n, OffsetDateTime createdAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into notification_outbox (notification_id, authority_code, queue_name, payload, created_at) "
                        + "values (?, ?, ?, ?, ?)")) {
            ps.setString(1, n.notificationId());
            ps.setString(2, n.authorityCode());
            ps.setString(3, n.queueName());
            ps.setString(4, n.json());
            ps.setObject(5, createdAt);
            ps.executeUpdate();
        }
    }

    /** Delivered to {@code queue} (the authority's, or the unrouted queue with {@code error} saying why). */
    public void markDelivered(String notificationId, String queue, String error) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            markDelivered(c, notificationId, queue, error, now());
        }
    }

    static void markDelivered(Connection c, String notificationId, String queue, String error, OffsetDateTime now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "update notification_outbox set sent_at = ?, attempts = attempts + 1, last_error = ?, "
                        + "delivered_to = ? where notification_id = ?")) {
            ps.setObject(1, now);
            ps.setString(2, error);
            ps.setString(3, queue);
            ps.setString(4, notificationId);
            ps.executeUpdate();
        }
    }

    /** Not delivered this time: kept for the next round, with the reason. */
    public void markFailed(String notificationId, String error) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "update notification_outbox set attempts = attempts + 1, last_error = ? where notification_id = ?")) {
            ps.setString(1, MessageLog.cut(error, 500));
            ps.setString(2, notificationId);
            ps.executeUpdate();
        }
    }

    /** Notifications not yet delivered. */
    public long pendingCount() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select count(*) from notification_outbox where sent_at is null");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Per authority: delivered since {@code since} (on every channel), sent to {@code unroutedQueue} because the broker
     * had no queue for it, and still waiting (any age).
     */
    public List<AuthorityCounts> countsSince(OffsetDateTime since, String unroutedQueue) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select authority_code, "
                     + "sum(case when sent_at is not null and coalesce(delivered_to, '') <> ? then 1 else 0 end), "
                     + "sum(case when sent_at is not null and delivered_to = ? then 1 else 0 end), "
                     + "sum(case when sent_at is null then 1 else 0 end) "
                     + "from notification_outbox where created_at >= ? or sent_at is null "
                     + "group by authority_code order by authority_code")) {
            ps.setString(1, unroutedQueue);
            ps.setString(2, unroutedQueue);
            ps.setObject(3, since);
            List<AuthorityCounts> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new AuthorityCounts(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
                }
            }
            return rows;
        }
    }

    /** Removes delivered notifications created before {@code cutoff}; pending ones are always kept. */
    int deleteDeliveredBefore(Connection c, OffsetDateTime cutoff) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "delete from notification_outbox where sent_at is not null and created_at < ?")) {
            ps.setObject(1, cutoff);
            return ps.executeUpdate();
        }
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock.withZone(ZoneOffset.UTC));
    }
}
