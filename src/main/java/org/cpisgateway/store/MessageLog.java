package org.cpisgateway.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.cpisgateway.core.IsoTime;

/**
 * The {@code inbound_message} table: every message received, its raw bytes as they came off the wire, the ACK sent
 * and the outcome. A final answer carries the message's dedupe key (sending facility | control ID), so a re-send gets
 * the same answer; an AE or AR has none, so a re-send is processed afresh.
 */
public class MessageLog {

    private final DataSource dataSource;

    public MessageLog(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Thrown when no message has the id asked for. */
    public static class NoSuchMessage extends RuntimeException {
        public NoSuchMessage(long id) {
            super("no message " + id);
        }
    }

    /** One message's row as the operations endpoint lists it: no patient data (no raw message, no ACK). */
    public record Failure(long id, String receivedAt, String completedAt, String sendingApplication,
                          String sendingFacility, String controlId, String messageType, String triggerEvent,
                          String ackCode, String flagResult, String reason, long bytes) {
    }

    /** Messages, flagged answers and AE/AR answers received in one hour. */
    public record HourCounts(OffsetDateTime hour, long messages, long flagged, long failed) {
    }

    /** The ACK already given for the message with this dedupe key (sending facility | control ID), or null. */
    public String previousAnswer(String dedupeKey) throws SQLException {
        if (dedupeKey == null) {
            return null;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select ack from inbound_message where dedupe_key = ?")) {
            ps.setString(1, dedupeKey);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Inserts one message on the caller's connection (in its transaction); returns the row's id. */
    static long insert(Connection c, JournalRows.Message m) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into inbound_message (received_at, completed_at, dedupe_key, sending_application, "
                        + "sending_facility, control_id, message_type, trigger_event, raw, ack, ack_code, flag_result, reason) "
                        + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setObject(1, m.receivedAt());
            ps.setObject(2, m.completedAt());
            ps.setString(3, m.dedupeKey());
            ps.setString(4, m.sendingApplication());
            ps.setString(5, m.sendingFacility());
            ps.setString(6, m.controlId());
            ps.setString(7, m.messageType());
            ps.setString(8, m.triggerEvent());
            ps.setBytes(9, m.raw());
            ps.setString(10, m.ack());
            ps.setString(11, m.ackCode());
            ps.setString(12, m.flagResult());
            ps.setString(13, m.reason());
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /** The most recent messages that got AE or AR, newest first (at most 1,000; 50 when no limit is given). */
    public List<Failure> recentFailures(Integer limit) throws SQLException {
        int n = limit == null || limit <= 0 ? 50 : Math.min(limit, 1000);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "select id, received_at, completed_at, sending_application, sending_facility, control_id, "
                             + "message_type, trigger_event, ack_code, flag_result, reason, octet_length(raw) "
                             + "from inbound_message where ack_code in ('AE', 'AR') order by id desc fetch first "
                             + n + " rows only")) {
            List<Failure> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String receivedAt = String.valueOf(IsoTime.of(rs.getObject(2, OffsetDateTime.class)));
                    String completedAt = String.valueOf(IsoTime.of(rs.getObject(3, OffsetDateTime.class)));
                    rows.add(new Failure(rs.getLong(1), receivedAt, completedAt, rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
                            rs.getString(11), rs.getLong(12)));
                }
            }
            return rows;
        }
    }

    /** The message exactly as it was received, for a replay through the routes. */
    public byte[] raw(long id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select raw from inbound_message where id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new NoSuchMessage(id);
                }
                return rs.getBytes(1);
            }
        }
    }

    /** Counts per hour from {@code since} (whole hours, UTC) for {@code hours} hours, oldest first, empty hours too. */
    public List<HourCounts> trafficSince(OffsetDateTime since, int hours) throws SQLException {
        Map<OffsetDateTime, long[]> byHour = new LinkedHashMap<>();
        for (int i = 0; i < hours; i++) {
            byHour.put(since.plusHours(i), new long[3]);
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select received_at, flag_result, ack_code from inbound_message "
                     + "where received_at >= ?")) {
            ps.setObject(1, since);
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    OffsetDateTime hour = rs.getObject(1, OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC)
                            .truncatedTo(java.time.temporal.ChronoUnit.HOURS);
                    long[] counts = byHour.get(hour);
                    if (counts == null) {
                        continue;
                    }
                    counts[0]++;
                    if ("FLAGGED".equals(rs.getString(2))) {
                        counts[1]++;
                    }
                    String ack = rs.getString(3);
                    if ("AE".equals(ack) || "AR".equals(ack)) {
                        counts[2]++;
                    }
                }
            }
        }
        List<HourCounts> rows = new ArrayList<>();
        byHour.forEach((hour, counts) -> rows.add(new HourCounts(hour, counts[0], counts[1], counts[2])));
        return rows;
    }

    /** Removes messages received before {@code cutoff}; returns how many. */
    int deleteReceivedBefore(Connection c, OffsetDateTime cutoff) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("delete from inbound_message where received_at < ?")) {
            ps.setObject(1, cutoff);
            return ps.executeUpdate();
        }
    }

    static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
