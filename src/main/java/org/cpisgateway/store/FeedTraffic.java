package org.cpisgateway.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import javax.sql.DataSource;

/**
 * When each sending facility's messages came, from the {@code inbound_message} table (read through its index on
 * {@code received_at}): what the watch on silent feeds learns usual traffic from and checks a silence against. The
 * facility is MSH-4's first component (the text before the first {@code ^}), upper case. The raw message is read only
 * when asked for (to tell a facility's points of care apart, PV1-3).
 */
public class FeedTraffic {

    private final DataSource dataSource;

    public FeedTraffic(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The first and the last message the store keeps from one facility. */
    public record Span(Instant first, Instant last) {
    }

    /** One message received: its facility, when, and its raw bytes when they were asked for (else null). */
    @FunctionalInterface
    public interface Received {
        void accept(String facility, Instant at, byte[] raw);
    }

    /** Per facility: the first and last message kept (one pass over the table). */
    public Map<String, Span> spans() throws SQLException {
        Map<String, Span> spans = new HashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select sending_facility, min(received_at), max(received_at) "
                     + "from inbound_message group by sending_facility");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String facility = facility(rs.getString(1));
                Instant first = instant(rs.getObject(2, OffsetDateTime.class));
                Instant last = instant(rs.getObject(3, OffsetDateTime.class));
                spans.merge(facility, new Span(first, last), (a, b) -> new Span(
                        a.first().isBefore(b.first()) ? a.first() : b.first(),
                        a.last().isAfter(b.last()) ? a.last() : b.last()));
            }
        }
        return spans;
    }

    /**
     * Every message received after {@code after}, without its raw bytes; when {@code facility} is given, that
     * facility's only, with them when {@code withRaw}.
     */
    public void receivedAfter(Instant after, String facility, boolean withRaw, Received each) throws SQLException {
        String sql = "select sending_facility, received_at" + (withRaw ? ", raw" : "")
                + " from inbound_message where received_at > ?"
                + (facility == null ? "" : " and (upper(sending_facility) = ? or upper(sending_facility) like ?)");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, OffsetDateTime.ofInstant(after, ZoneOffset.UTC));
            if (facility != null) {
                String upper = facility.toUpperCase(Locale.ROOT);
                ps.setString(2, upper);
                ps.setString(3, upper.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "^%");
            }
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String from = facility(rs.getString(1));
                    if (facility == null || from.equalsIgnoreCase(facility)) {
                        each.accept(from, instant(rs.getObject(2, OffsetDateTime.class)),
                                withRaw ? rs.getBytes(3) : null);
                    }
                }
            }
        }
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    static String facility(String sendingFacility) {
        if (sendingFacility == null) {
            return "";
        }
        int hat = sendingFacility.indexOf('^');
        return (hat < 0 ? sendingFacility : sendingFacility.substring(0, hat)).trim().toUpperCase(Locale.ROOT);
    }
}
