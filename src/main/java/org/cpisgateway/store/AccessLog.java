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
import org.cpisgateway.core.Attendance;
import org.cpisgateway.core.CareSetting;
import org.cpisgateway.core.StoreUnavailableException;
import org.cpisgateway.hl7.MshHeader;

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

    static void insert(Connection c, long messageId, MshHeader msh, Attendance a, CareSetting setting,
                       OffsetDateTime receivedAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into access_record (nhs_number, accessed_at, attendance_at, setting_code, setting_name, "
                        + "setting_type, scheduled, sending_facility, control_id, message_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, a.nhsNumber());
            ps.setObject(2, receivedAt);
            ps.setObject(3, a.attendanceTime());
            ps.setString(4, MessageLog.cut(setting.code(), 64));
            ps.setString(5, MessageLog.cut(setting.name(), 200));
            ps.setString(6, MessageLog.cut(setting.type(), 32));
            ps.setBoolean(7, setting.scheduled());
            ps.setString(8, MessageLog.cut(msh.sendingFacilityCode(), 227));
            ps.setString(9, MessageLog.cut(msh.controlId(), 199));
            ps.setLong(10, messageId);
            ps.executeUpdate();
        }
    }
}
