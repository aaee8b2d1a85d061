package org.cpisgateway.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.sql.DataSource;

import org.cpisgateway.core.IsoTime;

/**
 * What an authority may read back of its own: the plans it holds, and the accesses to the children it holds a plan
 * for (by child, or all of them in a date range, for reconciliation). Every query is confined to the authorities'
 * codes; a child the authorities hold no plan for is indistinguishable from one that is not in the store.
 *
 * <p>Every read is one page: the store is asked for at most {@code limit} rows (and one more, to know whether there
 * is a next page), never for everything that matches. A page's {@link Page#next} is a keyset cursor, the sort key
 * of its last row: the next page starts after it, so rows recorded meanwhile neither repeat nor shift a page, and
 * the store reaches a deep page through its index as fast as the first.
 */
public class AuthorityRecords {

    /** One page of rows, and the cursor of the next page (null: this is the last). */
    public record Page(List<Map<String, Object>> rows, String next) {
    }

    /** A cursor that this store did not make: the request is refused. */
    public static final class BadCursor extends IllegalArgumentException {
        BadCursor() {
            super("the page cursor is not one this gateway gave");
        }
    }

    private static final String ACCESS_COLUMNS = "select a.id, a.nhs_number, a.accessed_at, a.attendance_at, "
            + "a.setting_code, a.setting_name, a.setting_type, a.scheduled from access_record a where ";

    private final DataSource dataSource;
    private final ZoneId zone;

    public AuthorityRecords(DataSource dataSource, ZoneId zone) {
        this.dataSource = dataSource;
        this.zone = zone;
    }

    /** The authority's plans, open and ended, by NHS number and start date. */
    public Page plans(String authority, String after, int limit) throws SQLException {
        List<Object> args = new ArrayList<>(List.of(authority));
        String where = "";
        if (after != null) {
            String[] key = decode(after, 3);
            where = " and (nhs_number > ? or (nhs_number = ? and (start_date > ? or (start_date = ? and id > ?))))";
            LocalDate start = day(key[1]);
            args.addAll(List.of(key[0], key[0], start, start, number(key[2])));
        }
        return page("select id, nhs_number, plan_type, start_date, end_date, updated_at from plan where authority_code "
                + "= ?" + where + " order by nhs_number, start_date, id", args, limit,
                rs -> encode(rs.getString("nhs_number").trim(), rs.getDate("start_date").toLocalDate().toString(),
                        String.valueOf(rs.getLong("id"))));
    }

    /** The accesses to one child the authorities hold a plan for (none when they hold none), newest first. */
    public Page accessesOf(Collection<String> authorities, String nhsNumber, String after, int limit)
            throws SQLException {
        List<Object> args = new ArrayList<>(List.of(nhsNumber));
        args.addAll(authorities);
        String where = "";
        if (after != null) {
            where = " and (a.accessed_at < ? or (a.accessed_at = ? and a.id < ?))";
            args.addAll(accessKey(after));
        }
        return page(ACCESS_COLUMNS + "a.nhs_number = ? and " + heldBy(authorities) + where
                + " order by a.accessed_at desc, a.id desc", args, limit, AuthorityRecords::accessCursor);
    }

    /**
     * Every access, from {@code from} to {@code to} inclusive (local days), to the authorities' children, oldest
     * first.
     */
    public Page accessesBetween(Collection<String> authorities, LocalDate from, LocalDate to, String after, int limit)
            throws SQLException {
        OffsetDateTime start = from.atStartOfDay(zone).toOffsetDateTime();
        OffsetDateTime end = to.plusDays(1).atStartOfDay(zone).toOffsetDateTime();
        List<Object> args = new ArrayList<>(List.of(start, end));
        args.addAll(authorities);
        String where = "";
        if (after != null) {
            where = " and (a.accessed_at > ? or (a.accessed_at = ? and a.id > ?))";
            args.addAll(accessKey(after));
        }
        return page(ACCESS_COLUMNS + "a.accessed_at >= ? and a.accessed_at < ? and " + heldBy(authorities) + where
                + " order by a.accessed_at, a.id", args, limit, AuthorityRecords::accessCursor);
    }

    private static String heldBy(Collection<String> authorities) {
        if (authorities.isEmpty()) {
            throw new IllegalArgumentException("no authority to read for");
        }
        return "exists (select 1 from plan p where p.nhs_number = a.nhs_number and p.authority_code in ("
                + String.join(", ", java.util.Collections.nCopies(authorities.size(), "?")) + "))";
    }

    private static String accessCursor(ResultSet rs) throws SQLException {
        return encode(rs.getObject("accessed_at", OffsetDateTime.class).toString(), String.valueOf(rs.getLong("id")));
    }

    private static List<Object> accessKey(String cursor) {
        String[] key = decode(cursor, 2);
        OffsetDateTime at;
        try {
            at = OffsetDateTime.parse(key[0]);
        } catch (RuntimeException e) {
            throw new BadCursor();
        }
        return List.of(at, at, number(key[1]));
    }

    private static String encode(String... parts) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(String.join("|", parts).getBytes(StandardCharsets.UTF_8));
    }

    private static String[] decode(String cursor, int parts) {
        try {
            String[] key = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", -1);
            if (key.length == parts) {
                return key;
            }
        } catch (IllegalArgumentException e) {
            // not base64: refused below
        }
        throw new BadCursor();
    }

    private static long number(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new BadCursor();
        }
    }

    private static LocalDate day(String s) {
        try {
            return LocalDate.parse(s);
        } catch (RuntimeException e) {
            throw new BadCursor();
        }
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

    private interface Cursor {
        String of(ResultSet row) throws SQLException;
    }

    /** At most {@code limit} rows of the query (its {@code id} column kept out of them), and the next page's cursor. */
    private Page page(String sql, List<Object> args, int limit, Cursor cursor) throws SQLException {
        if (limit < 1) {
            throw new IllegalArgumentException("a page holds at least one row");
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(sql + " fetch first ? rows only")) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            ps.setInt(args.size() + 1, limit + 1);
            List<Map<String, Object>> rows = new ArrayList<>();
            String last = null;
            try (ResultSet rs = ps.executeQuery()) {
                var meta = rs.getMetaData();
                while (rs.next()) {
                    if (rows.size() == limit) {
                        return new Page(rows, last);
                    }
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int col = 1; col <= meta.getColumnCount(); col++) {
                        String label = meta.getColumnLabel(col).toLowerCase(Locale.ROOT);
                        if (!label.equals("id")) {
                            row.put(label, value(rs, col, meta.getColumnType(col)));
                        }
                    }
                    rows.add(row);
                    last = cursor.of(rs);
                }
            }
            return new Page(rows, null);
        }
    }
}
