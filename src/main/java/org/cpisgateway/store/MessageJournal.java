package org.cpisgateway.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import javax.sql.DataSource;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.cpisgateway.check.CheckResult;
import org.cpisgateway.hl7.Attendance;
import org.cpisgateway.hl7.MshHeader;
import org.cpisgateway.notify.Notification;

/**
 * The durable record of each message: raw bytes, the ACK, the outcome; for a flagged record the access; for an
 * authority to be told, the notification in the outbox. All in one transaction, committed before the ACK leaves.
 */
public class MessageJournal {

    /** What the route sends back and on: the ACK text and the notifications to deliver now. */
    public record Recorded(String ack, List<Notification> notifications) {
    }

    private final DataSource dataSource;
    private final boolean syncEachCommit;

    /**
     * @param syncEachCommit force each attendance's commit to the disk device before the ACK ({@code CHECKPOINT
     *                       SYNC}; the embedded H2 does not fsync commits by itself, so without this a power cut can
     *                       lose the last commits even though the process had written them)
     */
    private final java.time.Clock clock;

    public MessageJournal(DataSource dataSource, boolean syncEachCommit, java.time.Clock clock) {
        this.clock = clock;
        this.dataSource = dataSource;
        this.syncEachCommit = syncEachCommit;
    }

    /** The ACK already given for this sender's message with this control ID, or null. */
    public String previousAnswer(@ExchangeProperty("cpisMsh") MshHeader msh) throws SQLException {
        String key = msh.dedupeKey();
        if (key == null) {
            return null;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select ack from inbound_message where dedupe_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /**
     * Records an answered attendance: message, access record (when flagged) and notifications, in one transaction
     * committed (and synced) before this returns. Calls from all connections are written together by one writer
     * ("group commit": one transaction and one sync for the attendances that arrive together); each caller waits for
     * the commit of its own batch, so an ACK still never leaves before its record is durable.
     */
    public Recorded record(@Body String ack,
                           @ExchangeProperty("cpisRaw") byte[] raw,
                           @ExchangeProperty("cpisReceivedAt") OffsetDateTime receivedAt,
                           @ExchangeProperty("cpisAttendance") Attendance attendance,
                           @ExchangeProperty("cpisResult") CheckResult result,
                           @ExchangeProperty("cpisNotifications") List<Notification> notifications) throws SQLException {
        Pending pending = new Pending(ack, raw, receivedAt, attendance, result, notifications);
        writer.submit(pending);
        try {
            return pending.done.get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException failed) {
            if (failed.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new IllegalStateException(failed.getCause());
        } catch (java.util.concurrent.TimeoutException | InterruptedException notInTime) {
            throw new SQLException("journal write not confirmed in time", notInTime);
        }
    }

    /** One attendance waiting to be written. */
    record Pending(String ack, byte[] raw, OffsetDateTime receivedAt, Attendance attendance, CheckResult result,
                   List<Notification> notifications, java.util.concurrent.CompletableFuture<Recorded> done) {
        Pending(String ack, byte[] raw, OffsetDateTime receivedAt, Attendance attendance, CheckResult result,
                List<Notification> notifications) {
            this(ack, raw, receivedAt, attendance, result, notifications,
                    new java.util.concurrent.CompletableFuture<>());
        }
    }

    /** The single writer: takes every attendance waiting, writes them in one transaction, commits and syncs once. */
    final class Writer implements Runnable {
        static final int MAX_BATCH = 256;
        private final java.util.concurrent.BlockingQueue<Pending> queue = new java.util.concurrent.LinkedBlockingQueue<>();
        private volatile Thread thread;

        synchronized void stop() {
            if (thread != null) {
                thread.interrupt();
                thread = null;
            }
        }

        synchronized void submit(Pending p) {
            if (thread == null) {
                thread = new Thread(this, "cpis-journal-writer");
                thread.setDaemon(true);
                thread.start();
            }
            queue.add(p);
        }

        @Override
        public void run() {
            List<Pending> batch = new java.util.ArrayList<>(MAX_BATCH);
            while (true) {
                try {
                    batch.clear();
                    batch.add(queue.take());
                    queue.drainTo(batch, MAX_BATCH - 1);
                    writeBatch(batch);
                } catch (InterruptedException stop) {
                    return;
                } catch (RuntimeException unexpected) {
                    for (Pending p : batch) {
                        p.done.completeExceptionally(unexpected);
                    }
                }
            }
        }

        private void writeBatch(List<Pending> batch) {
            List<Boolean> duplicate = new java.util.ArrayList<>(batch.size());
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    for (Pending p : batch) {
                        java.sql.Savepoint sp = c.setSavepoint();
                        try {
                            write(c, p);
                            duplicate.add(false);
                        } catch (SQLException e) {
                            c.rollback(sp);
                            if (!isDuplicateKey(e)) {
                                throw e;
                            }
                            duplicate.add(true); // recorded before (or earlier in this batch): its answer is given
                        }
                    }
                    c.commit();
                    if (syncEachCommit) {
                        try (Statement sync = c.createStatement()) {
                            sync.execute("CHECKPOINT SYNC");
                        }
                    }
                } catch (SQLException e) {
                    c.rollback();
                    throw e;
                }
            } catch (SQLException storeFailed) {
                for (Pending p : batch) {
                    p.done.completeExceptionally(storeFailed);
                }
                return;
            }
            for (int i = 0; i < batch.size(); i++) {
                Pending p = batch.get(i);
                if (!duplicate.get(i)) {
                    p.done.complete(new Recorded(p.ack(), p.notifications()));
                    continue;
                }
                try {
                    String previous = previousAnswer(p.attendance().msh());
                    p.done.complete(new Recorded(previous != null ? previous : p.ack(), List.of()));
                } catch (SQLException e) {
                    p.done.completeExceptionally(e);
                }
            }
        }

        private void write(Connection c, Pending p) throws SQLException {
            MshHeader msh = p.attendance().msh();
            long messageId = insertMessage(c, msh, msh.dedupeKey(), p.raw(), p.receivedAt(), p.ack(), "AA",
                    p.result().status().name(), p.result().reasonCode());
            if (p.result().flagged()) {
                insertAccess(c, messageId, p.attendance(), p.result(), p.receivedAt());
            }
            for (Notification n : p.notifications()) {
                insertOutbox(c, n, p.receivedAt());
            }
        }
    }

    private final Writer writer = new Writer();

    /** Stops the writer thread (at shutdown, after the routes have stopped). */
    public void close() {
        writer.stop();
    }

    /** Keeps a message that got AE or AR (no dedupe key: a re-send is processed afresh). */
    public void recordFailure(byte[] raw, MshHeader msh, OffsetDateTime receivedAt, String ack, String ackCode,
                              String flagResult, String reason) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            insertMessage(c, msh, null, raw == null ? new byte[0] : raw, receivedAt, ack, ackCode, flagResult, reason);
        }
    }

    private long insertMessage(Connection c, MshHeader msh, String dedupeKey, byte[] raw,
                                      OffsetDateTime receivedAt, String ack, String ackCode, String flagResult,
                                      String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into inbound_message (received_at, completed_at, dedupe_key, sending_application, "
                        + "sending_facility, control_id, message_type, trigger_event, raw, ack, ack_code, flag_result, reason) "
                        + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setObject(1, receivedAt);
            ps.setObject(2, OffsetDateTime.now(clock.withZone(ZoneOffset.UTC)));
            ps.setString(3, dedupeKey);
            ps.setString(4, cut(msh.sendingApplication(), 227));
            ps.setString(5, cut(msh.sendingFacility(), 227));
            ps.setString(6, cut(msh.controlId(), 199));
            ps.setString(7, cut(msh.messageType(), 16));
            ps.setString(8, cut(msh.triggerEvent(), 16));
            ps.setBytes(9, raw);
            ps.setString(10, ack);
            ps.setString(11, ackCode);
            ps.setString(12, flagResult);
            ps.setString(13, cut(reason, 500));
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    private static void insertAccess(Connection c, long messageId, Attendance a, CheckResult result,
                                     OffsetDateTime receivedAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into access_record (nhs_number, accessed_at, attendance_at, setting_code, setting_name, "
                        + "setting_type, scheduled, sending_facility, control_id, message_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, a.nhsNumber());
            ps.setObject(2, receivedAt);
            ps.setObject(3, a.attendanceTime());
            ps.setString(4, cut(result.setting().code(), 64));
            ps.setString(5, cut(result.setting().name(), 200));
            ps.setString(6, cut(result.setting().type(), 32));
            ps.setBoolean(7, result.setting().scheduled());
            ps.setString(8, cut(a.msh().sendingFacilityCode(), 227));
            ps.setString(9, cut(a.msh().controlId(), 199));
            ps.setLong(10, messageId);
            ps.executeUpdate();
        }
    }

    private static void insertOutbox(Connection c, Notification n, OffsetDateTime now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into notification_outbox (notification_id, authority_code, queue_name, payload, created_at) "
                        + "values (?, ?, ?, ?, ?)")) {
            ps.setString(1, n.notificationId());
            ps.setString(2, n.authorityCode());
            ps.setString(3, n.queueName());
            ps.setString(4, n.json());
            ps.setObject(5, now);
            ps.executeUpdate();
        }
    }

    /** Thrown when no message has the id asked for. */
    public static class NoSuchMessage extends RuntimeException {
        public NoSuchMessage(long id) {
            super("no message " + id);
        }
    }

    /**
     * The most recent messages that got AE or AR, newest first: ids, times, sender, control ID, codes and the reason.
     * No patient data (no raw message, no ACK).
     */
    public List<java.util.Map<String, Object>> recentFailures(Integer limit) throws SQLException {
        int n = limit == null || limit <= 0 ? 50 : Math.min(limit, 1000);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "select id, received_at, completed_at, sending_application, sending_facility, control_id, "
                             + "message_type, trigger_event, ack_code, flag_result, reason, octet_length(raw) "
                             + "from inbound_message where ack_code in ('AE', 'AR') order by id desc fetch first "
                             + n + " rows only")) {
            List<java.util.Map<String, Object>> rows = new java.util.ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
                    row.put("id", rs.getLong(1));
                    row.put("receivedAt", String.valueOf(rs.getObject(2, OffsetDateTime.class)));
                    row.put("completedAt", String.valueOf(rs.getObject(3, OffsetDateTime.class)));
                    row.put("sendingApplication", rs.getString(4));
                    row.put("sendingFacility", rs.getString(5));
                    row.put("controlId", rs.getString(6));
                    row.put("messageType", rs.getString(7));
                    row.put("triggerEvent", rs.getString(8));
                    row.put("ackCode", rs.getString(9));
                    row.put("flagResult", rs.getString(10));
                    row.put("reason", rs.getString(11));
                    row.put("bytes", rs.getLong(12));
                    rows.add(row);
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

    /**
     * Retention: removes messages (raw bytes, ACK) received more than {@code days} ago, and delivered notifications
     * as old. Access records are the audit trail and are kept. A re-send of a purged message is processed afresh.
     */
    public int purgeOlderThan(int days) throws SQLException {
        if (days <= 0) {
            return 0;
        }
        OffsetDateTime cutoff = OffsetDateTime.now(clock.withZone(ZoneOffset.UTC)).minusDays(days);
        try (Connection c = dataSource.getConnection();
             PreparedStatement messages = c.prepareStatement("delete from inbound_message where received_at < ?");
             PreparedStatement outbox = c.prepareStatement(
                     "delete from notification_outbox where sent_at is not null and created_at < ?")) {
            messages.setObject(1, cutoff);
            outbox.setObject(1, cutoff);
            int n = messages.executeUpdate();
            int m = outbox.executeUpdate();
            if (n + m > 0) {
                org.slf4j.LoggerFactory.getLogger(MessageJournal.class).info(
                        "Retention: removed {} messages and {} delivered notifications older than {} days", n, m, days);
            }
            return n;
        }
    }

    static boolean isDuplicateKey(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (x.getSQLState() != null && x.getSQLState().startsWith("23")) {
                return true;
            }
        }
        return false;
    }

    static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
