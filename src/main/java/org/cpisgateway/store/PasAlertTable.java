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

/**
 * The {@code pas_alert} table: HL7 alerts for a PAS, written with their attendance and sent by the one sender. A row
 * is due while neither sent nor given up and its next attempt time has come.
 */
public class PasAlertTable {

    /** An alert to write: once per {@code key} (the visit), to {@code endpoint} (host:port) of the facility's PAS. */
    public record Alert(String key, String facility, String endpoint, String message) {
    }

    /** A stored alert waiting to be sent. */
    public record Due(long id, String facility, String endpoint, String message, int attempts,
                      OffsetDateTime createdAt) {
    }

    /** Counts for the operations summary. */
    public record Counts(long sent, long waiting, long gaveUp) {
    }

    private final DataSource dataSource;
    private final Clock clock;

    public PasAlertTable(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** Inserts the alert unless one for the same visit is there already (another gateway, an earlier message). */
    static void insertOnce(Connection c, Alert alert, OffsetDateTime createdAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select 1 from pas_alert where alert_key = ?")) {
            ps.setString(1, alert.key());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        java.sql.Savepoint sp = c.setSavepoint();
        try (PreparedStatement ps = c.prepareStatement("insert into pas_alert (alert_key, facility, endpoint, message, "
                + "created_at, attempts, next_attempt_at) values (?, ?, ?, ?, ?, 0, ?)")) {
            ps.setString(1, alert.key());
            ps.setString(2, alert.facility());
            ps.setString(3, alert.endpoint());
            ps.setString(4, alert.message());
            ps.setObject(5, createdAt);
            ps.setObject(6, createdAt);
            ps.executeUpdate();
        } catch (SQLException e) {
            c.rollback(sp);
            if (!SqlErrors.isDuplicateKey(e)) {
                throw e;
            }
        }
    }

    /**
     * Removes alerts sent or given up that were created before {@code cutoff} (they hold patient data and are done
     * with); a waiting one stays until it is sent or given up.
     */
    static int deleteFinishedBefore(Connection c, OffsetDateTime cutoff) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("delete from pas_alert where (sent_at is not null "
                + "or gave_up_at is not null) and created_at < ?")) {
            ps.setObject(1, cutoff);
            return ps.executeUpdate();
        }
    }

    public List<Due> due(int limit) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select id, facility, endpoint, message, attempts, created_at from pas_alert where sent_at is null "
                        + "and gave_up_at is null and next_attempt_at <= ? order by id fetch first ? rows only")) {
            ps.setObject(1, now());
            ps.setInt(2, limit);
            List<Due> due = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    due.add(new Due(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                            rs.getObject(6, OffsetDateTime.class)));
                }
            }
            return due;
        }
    }

    public void markSent(long id) throws SQLException {
        update("update pas_alert set sent_at = ?, attempts = attempts + 1, last_error = null where id = ?", now(), id);
    }

    public void markFailed(long id, String error, OffsetDateTime nextAttempt) throws SQLException {
        update("update pas_alert set attempts = attempts + 1, last_error = ?, next_attempt_at = ? where id = ?",
                truncate(error), nextAttempt, id);
    }

    public void markGaveUp(long id, String error) throws SQLException {
        update("update pas_alert set gave_up_at = ?, last_error = ? where id = ?", now(), truncate(error), id);
    }

    public Counts counts() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select count(sent_at), count(*) - count(sent_at) - count(gave_up_at), count(gave_up_at) "
                        + "from pas_alert");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new Counts(rs.getLong(1), rs.getLong(2), rs.getLong(3));
        }
    }

    private void update(String sql, Object... args) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock.withZone(ZoneOffset.UTC));
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 500 ? s : s.substring(0, 500);
    }
}
