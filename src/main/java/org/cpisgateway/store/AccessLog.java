package org.cpisgateway.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.cpisgateway.core.AccessHistorySource;
import org.cpisgateway.core.AccessRecord;
import org.cpisgateway.core.StoreUnavailableException;

/**
 * The {@code access_record} table: every access to a flagged record, the audit trail and the source of the history
 * the clerk sees (ZCA). Written with the attendance's message, in its transaction.
 */
public class AccessLog implements AccessHistorySource {

    private final DataSource dataSource;

    public AccessLog(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public List<AccessRecord> recentAccesses(String nhsNumber, int limit) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "select accessed_at, setting_code, setting_name, setting_type, scheduled from access_record "
                             + "where nhs_number = ? order by accessed_at desc, id desc fetch first " + limit + " rows only")) {
            ps.setString(1, nhsNumber);
            List<AccessRecord> accesses = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    accesses.add(new AccessRecord(rs.getObject(1, OffsetDateTime.class), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getBoolean(5)));
                }
            }
            return accesses;
        } catch (SQLException e) {
            throw new StoreUnavailableException("access history could not be read", e);
        }
    }

    /** Inserts the access of one message (in the journal's transaction). */
    static void insert(Connection c, long messageId, JournalRows.Access a, OffsetDateTime accessedAt)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into access_record (nhs_number, accessed_at, attendance_at, setting_code, setting_name, "
                        + "setting_type, scheduled, sending_facility, control_id, message_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, a.nhsNumber());
            ps.setObject(2, accessedAt);
            ps.setObject(3, a.attendanceAt());
            ps.setString(4, a.settingCode());
            ps.setString(5, a.settingName());
            ps.setString(6, a.settingType());
            ps.setBoolean(7, a.scheduled());
            ps.setString(8, a.sendingFacilityCode());
            ps.setString(9, a.controlId());
            ps.setLong(10, messageId);
            ps.executeUpdate();
        }
    }
}
