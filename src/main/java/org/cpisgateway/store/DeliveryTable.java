package org.cpisgateway.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.sql.DataSource;

import org.cpisgateway.notify.Notification;

/**
 * The {@code notification_delivery} table: where each notification stands on each channel of its authority
 * (delivered, retrying, parked). Written by the one sender only, so an update-or-insert needs no lock.
 */
public class DeliveryTable {

    public enum State {
        DELIVERED, RETRYING, PARKED;

        String column() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A notification not yet delivered on a channel: how often it was tried there and when it is due again. */
    public record Waiting(Notification notification, int attempts, OffsetDateTime nextAttemptAt) {
    }

    /** An outbox row not yet delivered everywhere, with its state on each channel that has one. */
    public record Pending(String notificationId, String authority, OffsetDateTime createdAt,
                          Map<String, State> states) {
    }

    /** Per authority and channel: delivered since a time, retrying, parked, and the last reason given. */
    public record ChannelCounts(String authority, String channel, long delivered, long retrying, long parked,
                                String lastError) {
    }

    /** A parked notification: its id, why, and when it was parked. No patient data. */
    public record Parked(String notificationId, String authority, String channel, String reason,
                         OffsetDateTime parkedAt) {
    }

    /**
     * An authority's notifications not yet delivered on a channel (parameters: channel, authority, created at or
     * before), oldest first. Ordered as the index {@code notification_outbox_waiting} is, so that the store reads the
     * rows it returns and stops, however long the backlog (sent_at and the authority are the same in every row).
     */
    static final String WAITING = "select o.notification_id, o.authority_code, o.queue_name, o.payload, d.attempts, "
            + "d.next_attempt_at from notification_outbox o left join notification_delivery d "
            + "on d.notification_id = o.notification_id and d.channel = ? "
            + "where o.authority_code = ? and o.sent_at is null and o.created_at <= ? "
            + "and (d.state is null or d.state = 'retrying') order by o.sent_at, o.authority_code, o.id";

    private final DataSource dataSource;
    private final Clock clock;

    public DeliveryTable(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** Authorities with a notification not yet delivered on every channel, in code order. */
    public List<String> authoritiesWaiting() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select distinct authority_code from notification_outbox where sent_at is null order by authority_code");
             ResultSet rs = ps.executeQuery()) {
            List<String> codes = new ArrayList<>();
            while (rs.next()) {
                codes.add(rs.getString(1));
            }
            return codes;
        }
    }

    /**
     * The authority's notifications created at least {@code minAgeSeconds} ago and neither delivered nor parked on
     * {@code channel}, oldest first.
     */
    public List<Waiting> waiting(String authority, String channel, int minAgeSeconds, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                WAITING + " fetch first " + limit + " rows only")) {
            ps.setString(1, channel);
            ps.setString(2, authority);
            ps.setObject(3, now().minusSeconds(minAgeSeconds));
            List<Waiting> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new Waiting(new Notification(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4)), rs.getInt(5), rs.getObject(6, OffsetDateTime.class)));
                }
            }
            return list;
        }
    }

    public void retrying(Waiting w, String channel, String error, OffsetDateTime nextAttemptAt) throws SQLException {
        write(w, channel, State.RETRYING, error, nextAttemptAt);
    }

    public void parked(Waiting w, String channel, String reason) throws SQLException {
        write(w, channel, State.PARKED, reason, null);
    }

    /**
     * A notification delivered on {@code channel}; {@code channels} are all its authority's, and once it is delivered
     * on each the outbox row is marked delivered to {@code deliveredTo} (with {@code error}, e.g. why that is the
     * unrouted queue).
     */
    public record Delivered(Waiting waiting, String channel, List<String> channels, String deliveredTo,
                            String error) {
    }

    /**
     * Deliveries, with the outbox rows of the notifications they complete, in one transaction (the waiting row's
     * attempts say whether a delivery row exists yet).
     */
    public void delivered(List<Delivered> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        OffsetDateTime now = now();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                for (Delivered d : rows) {
                    write(c, d.waiting(), d.channel(), State.DELIVERED, null, null, now);
                    String id = d.waiting().notification().notificationId();
                    if (d.channels().size() == 1 || deliveredOnAll(c, id, d.channels())) {
                        OutboxTable.markDelivered(c, id, d.deliveredTo(), d.error(), now);
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /** Whether the notification is delivered on every one of {@code channels}. */
    private static boolean deliveredOnAll(Connection c, String notificationId, List<String> channels)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select channel from notification_delivery where notification_id = ? and state = 'delivered'")) {
            ps.setString(1, notificationId);
            List<String> delivered = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    delivered.add(rs.getString(1));
                }
            }
            return delivered.containsAll(channels);
        }
    }

    /** Every outbox row not yet delivered on every channel, oldest first, with its states. */
    public List<Pending> pending(int limit) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select o.notification_id, o.authority_code, o.created_at, d.channel, d.state "
                        + "from notification_outbox o left join notification_delivery d "
                        + "on d.notification_id = o.notification_id where o.sent_at is null "
                        + "order by o.id fetch first " + limit + " rows only")) {
            Map<String, Pending> byId = new LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Pending p = byId.computeIfAbsent(rs.getString(1), id -> {
                        try {
                            return new Pending(id, rs.getString(2), rs.getObject(3, OffsetDateTime.class),
                                    new HashMap<>());
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    if (rs.getString(4) != null) {
                        p.states().put(rs.getString(4), State.valueOf(rs.getString(5).toUpperCase(Locale.ROOT)));
                    }
                }
            }
            return new ArrayList<>(byId.values());
        }
    }

    /**
     * Per authority and channel: delivered since {@code since}, retrying and parked now, and the reason of the one
     * most recently failed or parked there.
     */
    public List<ChannelCounts> counts(OffsetDateTime since) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select authority_code, channel, "
                        + "sum(case when state = 'delivered' and delivered_at >= ? then 1 else 0 end), "
                        + "sum(case when state = 'retrying' then 1 else 0 end), "
                        + "sum(case when state = 'parked' then 1 else 0 end), "
                        + "(select l.last_error from notification_delivery l where l.authority_code = d.authority_code "
                        + "and l.channel = d.channel and l.state <> 'delivered' "
                        + "order by l.state_since desc fetch first 1 rows only) "
                        + "from notification_delivery d where state <> 'delivered' or delivered_at >= ? "
                        + "group by authority_code, channel order by authority_code, channel")) {
            ps.setObject(1, since);
            ps.setObject(2, since);
            List<ChannelCounts> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new ChannelCounts(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                            rs.getLong(5), rs.getString(6)));
                }
            }
            return rows;
        }
    }

    /** Parked notifications, oldest first (optionally of one authority). */
    public List<Parked> parkedList(String authority, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select d.notification_id, d.authority_code, d.channel, d.last_error, d.state_since "
                        + "from notification_delivery d where d.state = 'parked' "
                        + "and (cast(? as varchar(16)) is null or d.authority_code = ?) "
                        + "order by d.state_since fetch first " + limit + " rows only")) {
            ps.setString(1, authority);
            ps.setString(2, authority);
            List<Parked> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Parked(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getObject(5, OffsetDateTime.class)));
                }
            }
            return rows;
        }
    }

    /**
     * Makes the authority's parked notifications (on one channel, or all when {@code channel} is null) due again:
     * the sender tries them at its next round, in their order. Returns how many.
     */
    public int unpark(String authority, String channel) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "update notification_delivery set state = 'retrying', next_attempt_at = ?, state_since = ? "
                        + "where state = 'parked' and authority_code = ? "
                        + "and (cast(? as varchar(500)) is null or channel = ?)")) {
            ps.setObject(1, now());
            ps.setObject(2, now());
            ps.setString(3, authority);
            ps.setString(4, channel);
            ps.setString(5, channel);
            return ps.executeUpdate();
        }
    }

    /** Removes the delivery rows of delivered notifications created before {@code cutoff} (retention). */
    static int deleteDeliveredBefore(Connection c, OffsetDateTime cutoff) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("delete from notification_delivery where notification_id in "
                + "(select notification_id from notification_outbox where sent_at is not null and created_at < ?)")) {
            ps.setObject(1, cutoff);
            return ps.executeUpdate();
        }
    }

    /** The first try on a channel inserts its row; every later one (the waiting row has attempts) updates it. */
    private void write(Waiting w, String channel, State state, String error, OffsetDateTime nextAttemptAt)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            write(c, w, channel, state, error, nextAttemptAt, now());
        }
    }

    private static void write(Connection c, Waiting w, String channel, State state, String error,
                              OffsetDateTime nextAttemptAt, OffsetDateTime now) throws SQLException {
        String notificationId = w.notification().notificationId();
        String reason = error == null ? null : MessageLog.cut(error, 500);
        OffsetDateTime deliveredAt = state == State.DELIVERED ? now : null;
        if (w.attempts() > 0) {
            try (PreparedStatement ps = c.prepareStatement("update notification_delivery set state = ?, "
                    + "attempts = attempts + 1, next_attempt_at = ?, last_error = ?, delivered_at = ?, "
                    + "state_since = ? where notification_id = ? and channel = ?")) {
                ps.setString(1, state.column());
                ps.setObject(2, nextAttemptAt);
                ps.setString(3, reason);
                ps.setObject(4, deliveredAt);
                ps.setObject(5, now);
                ps.setString(6, notificationId);
                ps.setString(7, channel);
                if (ps.executeUpdate() > 0) {
                    return;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("insert into notification_delivery (notification_id, "
                + "channel, authority_code, state, attempts, next_attempt_at, delivered_at, last_error, "
                + "state_since) values (?, ?, ?, ?, 1, ?, ?, ?, ?)")) {
            ps.setString(1, notificationId);
            ps.setString(2, channel);
            ps.setString(3, w.notification().authorityCode());
            ps.setString(4, state.column());
            ps.setObject(5, nextAttemptAt);
            ps.setObject(6, deliveredAt);
            ps.setString(7, reason);
            ps.setObject(8, now);
            ps.executeUpdate();
        }
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock.withZone(ZoneOffset.UTC));
    }
}
