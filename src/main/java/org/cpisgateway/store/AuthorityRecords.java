package org.cpisgateway.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.cpisgateway.core.IsoTime;

/**
 * What an authority may read back of its own: the plans it holds, and the accesses to the children it holds a plan
 * for (by child, or all of them in a date range, for reconciliation). Every query is confined to the authority's
 * code; a child the authority holds no plan for is indistinguishable from one that is not in the store.
 */
public class AuthorityRecords {

    private final DataSource dataSource;
    private final ZoneId zone;

    public AuthorityRecords(DataSource dataSource, ZoneId zone) {
        this.dataSource = dataSource;
        this.zone = zone;
    }

    /** The authority's plans, open and ended, by NHS number and start date. */
    public List<Map<String, Object>> plans(String authority) throws SQLException {
        return rows("select nhs_number, plan_type, start_date, end_date, updated_at from plan "
                + "where authority_code = ? order by nhs_number, start_date", authority);
    }

    /** The accesses to one child the authority holds a plan for (none when it holds none), newest first. */
    public List<Map<String, Object>> accessesOf(String authority, String nhsNumber) throws SQLException {
        return rows("select a.nhs_number, a.accessed_at, a.attendance_at, a.setting_code, a.setting_name, "
                + "a.setting_type, a.scheduled from access_record a where a.nhs_number = ? and exists "
                + "(select 1 from plan p where p.nhs_number = a.nhs_number and p.authority_code = ?) "
                + "order by a.accessed_at desc", nhsNumber, authority);
    }

    /** Every access, from {@code from} to {@code to} inclusive (local days), to the authority's children. */
    public List<Map<String, Object>> accessesBetween(String authority, LocalDate from, LocalDate to)
            throws SQLException {
        OffsetDateTime start = from.atStartOfDay(zone).toOffsetDateTime();
        OffsetDateTime end = to.plusDays(1).atStartOfDay(zone).toOffsetDateTime();
        return rows("select a.nhs_number, a.accessed_at, a.attendance_at, a.setting_code, a.setting_name, "
                + "a.setting_type, a.scheduled from access_record a where a.accessed_at >= ? and a.accessed_at < ? "
                + "and exists (select 1 from plan p where p.nhs_number = a.nhs_number and p.authority_code = ?) "
                + "order by a.accessed_at", start, end, authority);
    }

    /** A cell as JSON and CSV show it: dates and times in ISO 8601, text trimmed. */
    private static Object value(ResultSet rs, int col, int type) throws SQLException {
        return switch (type) {
            case java.sql.Types.DATE -> rs.getDate(col) == null ? null : rs.getDate(col).toLocalDate().toString();
            case java.sql.Types.TIMESTAMP, java.sql.Types.TIMESTAMP_WITH_TIMEZONE ->
                    IsoTime.of(rs.getObject(col, OffsetDateTime.class));
            case java.sql.Types.BOOLEAN, java.sql.Types.BIT -> rs.getBoolean(col);
            default -> rs.getString(col) == null ? null : rs.getString(col).trim();
        };
    }

    private List<Map<String, Object>> rows(String sql, Object... args) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                var meta = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int col = 1; col <= meta.getColumnCount(); col++) {
                        row.put(meta.getColumnLabel(col).toLowerCase(java.util.Locale.ROOT), value(rs, col,
                                meta.getColumnType(col)));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }
}
