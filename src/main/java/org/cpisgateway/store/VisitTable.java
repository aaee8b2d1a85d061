package org.cpisgateway.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;

import javax.sql.DataSource;

import org.cpisgateway.core.StoreUnavailableException;
import org.cpisgateway.core.VisitHistory;

/**
 * The {@code visit} table: the NHS number each visit was last looked up with. Read before the check; written in the
 * transaction that records the attendance, so a visit counts as checked exactly when its access and notifications
 * are durable.
 */
public class VisitTable implements VisitHistory {

    private final DataSource dataSource;

    public VisitTable(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public String lastCheckedNhsNumber(String visit) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select nhs_number from visit where visit_key = ?")) {
            ps.setString(1, visit);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1).trim() : null;
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("visit look-up failed", e);
        }
    }

    /** The visit was looked up with this NHS number (first time, or with a corrected or merged number). */
    static void checked(Connection c, String visit, String nhsNumber, long messageId, OffsetDateTime at)
            throws SQLException {
        try (PreparedStatement update = c.prepareStatement(
                "update visit set nhs_number = ?, checked_at = ? where visit_key = ?")) {
            update.setString(1, nhsNumber);
            update.setObject(2, at);
            update.setString(3, visit);
            if (update.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement insert = c.prepareStatement(
                "insert into visit (visit_key, nhs_number, first_message_id, checked_at) values (?, ?, ?, ?)")) {
            insert.setString(1, visit);
            insert.setString(2, nhsNumber);
            insert.setLong(3, messageId);
            insert.setObject(4, at);
            insert.executeUpdate();
        }
    }

    /** Forgets visits last checked before {@code cutoff} (with the message journal's retention). */
    static int deleteCheckedBefore(Connection c, OffsetDateTime cutoff) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("delete from visit where checked_at < ?")) {
            ps.setObject(1, cutoff);
            return ps.executeUpdate();
        }
    }
}
