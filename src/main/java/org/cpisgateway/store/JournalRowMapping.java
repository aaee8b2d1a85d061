package org.cpisgateway.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import org.cpisgateway.core.Attendance;
import org.cpisgateway.core.CheckResult;
import org.cpisgateway.hl7.MshHeader;
import org.cpisgateway.notify.Notification;

/**
 * From an answered message to the {@link JournalRows} it adds (cut to the columns' widths), and from those rows to
 * the tables: the same statements whether the journal writer writes a batch or the start replays the write-ahead
 * log.
 */
final class JournalRowMapping {

    private JournalRowMapping() {
    }

    /**
     * The rows an attendance answered AA adds: its message, and for a first flagged look-up its access and visit;
     * an alert for the sender's PAS (or null) and the notifications for the outbox.
     */
    static JournalRows answered(MshHeader msh, byte[] raw, OffsetDateTime receivedAt, OffsetDateTime completedAt,
                                Attendance attendance, CheckResult r, List<Notification> notifications, String ack,
                                PasAlertTable.Alert pasAlert) {
        boolean firstLookUp = r.flagged() && !r.visitCheckedBefore();
        JournalRows.Access access = !firstLookUp ? null : new JournalRows.Access(attendance.nhsNumber(),
                attendance.attendanceTime(), MessageLog.cut(r.setting().code(), 64),
                MessageLog.cut(r.setting().name(), 200), MessageLog.cut(r.setting().type(), 32),
                r.setting().scheduled(), MessageLog.cut(msh.sendingFacilityCode(), 227),
                MessageLog.cut(msh.controlId(), 199));
        JournalRows.Visit visit = firstLookUp && r.visit() != null
                ? new JournalRows.Visit(r.visit(), attendance.nhsNumber()) : null;
        return new JournalRows(message(msh, msh.dedupeKey(), raw, receivedAt, completedAt, ack, "AA",
                r.status().name(), r.reasonCode()), access, visit, pasAlert, notifications);
    }

    /** The one row of a message answered AE or AR: no dedupe key (a re-send is processed afresh), no other row. */
    static JournalRows unanswered(MshHeader msh, byte[] raw, OffsetDateTime receivedAt, OffsetDateTime completedAt,
                                  String ack, String ackCode, String flagResult, String reason) {
        return new JournalRows(message(msh, null, raw == null ? new byte[0] : raw, receivedAt, completedAt, ack,
                ackCode, flagResult, reason), null, null, null, List.of());
    }

    private static JournalRows.Message message(MshHeader msh, String dedupeKey, byte[] raw,
                                               OffsetDateTime receivedAt, OffsetDateTime completedAt, String ack,
                                               String ackCode, String flagResult, String reason) {
        return new JournalRows.Message(dedupeKey, MessageLog.cut(msh.sendingApplication(), 227),
                MessageLog.cut(msh.sendingFacility(), 227), MessageLog.cut(msh.controlId(), 199),
                MessageLog.cut(msh.messageType(), 16), MessageLog.cut(msh.triggerEvent(), 16), raw, receivedAt,
                completedAt, ack, ackCode, flagResult, MessageLog.cut(reason, 500));
    }

    /** Writes the rows; returns the notifications it put in the outbox (a pattern alert already there is not). */
    static List<Notification> write(Connection c, JournalRows rows) throws SQLException {
        long messageId = MessageLog.insert(c, rows.message());
        if (rows.access() != null) {
            AccessLog.insert(c, messageId, rows.access(), rows.message().receivedAt());
        }
        if (rows.visit() != null) {
            VisitTable.checked(c, rows.visit().key(), rows.visit().nhsNumber(), messageId,
                    rows.message().receivedAt());
        }
        if (rows.pasAlert() != null) {
            PasAlertTable.insertOnce(c, rows.pasAlert(), rows.message().receivedAt());
        }
        List<Notification> queued = new ArrayList<>(rows.outbox().size());
        for (Notification n : rows.outbox()) {
            if (!n.patternAlert()) {
                OutboxTable.insert(c, n, rows.message().receivedAt());
                queued.add(n);
            } else if (OutboxTable.insertOnce(c, n, rows.message().receivedAt())) {
                queued.add(n);
            }
        }
        return queued;
    }
}
