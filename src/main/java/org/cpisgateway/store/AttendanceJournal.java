package org.cpisgateway.store;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import javax.sql.DataSource;

import org.cpisgateway.core.Attendance;
import org.cpisgateway.core.CheckResult;
import org.cpisgateway.core.StoreUnavailableException;
import org.cpisgateway.hl7.MshHeader;
import org.cpisgateway.notify.Notification;
import org.cpisgateway.supervision.Workers;

/**
 * The durable record of each answered attendance: the message (raw bytes, ACK, outcome), for a flagged record the
 * access, for an authority to be told the notification in the outbox; all in one transaction, durable before the
 * ACK leaves. A message answered AE or AR is kept the same way (raw bytes, ACK, reason).
 *
 * <p>Calls from all connections are written together by one writer thread ({@link GroupCommitWriter}: one
 * transaction and one device flush for the attendances that arrive together); each caller waits for its own batch, so
 * an ACK still never leaves before its record is durable. {@link JournalRowMapping} turns each answered message into
 * its {@link JournalRows}.
 *
 * <p>How a batch becomes durable depends on the store. PostgreSQL: its commit. The embedded H2 on disk: the batch's
 * rows are appended to the {@link WriteAheadLog} and synced, and H2 writes its own file later (its write delay, and a
 * synced checkpoint every second, after which the log forgets the batches it holds). H2 writing a chunk of every
 * changed page at each commit was most of the cost of a message. The log holds one record per batch (one append and
 * one sync, done by the writer thread itself), numbered by the count of messages written up to its last; the last
 * number H2 holds is in its {@code wal_mark} row, written in each batch's transaction; at start, the records the log
 * holds beyond it are written again ({@link JournalReplay}); {@link JournalCheckpoints} has H2 sync its file so that
 * the log can forget.
 */
public class AttendanceJournal {

    /**
     * One answered attendance to record. Its {@code auditLine} (or null) goes to the audit log (logger
     * {@code cpis.audit}) before the attendance is made durable, so that no answered attendance lacks its line, unless
     * it was recorded before (a re-send): the lines of a batch as one log event. A process stopped between the two
     * leaves a line for an attendance the store does not hold; the look-up it audits did happen, and the PAS's re-send
     * (it got no ACK) is looked up, and audited, again.
     */
    public record Entry(byte[] raw, OffsetDateTime receivedAt, MshHeader msh, Attendance attendance,
                        CheckResult result, List<Notification> notifications, String ack,
                        PasAlertTable.Alert pasAlert, String auditLine) {

        /** An entry with no alert for the sender's PAS and no audit line. */
        public Entry(byte[] raw, OffsetDateTime receivedAt, MshHeader msh, Attendance attendance, CheckResult result,
                     List<Notification> notifications, String ack) {
            this(raw, receivedAt, msh, attendance, result, notifications, ack, null, null);
        }
    }

    /**
     * What was recorded: the ACK to send and the notifications to deliver now. For a message recorded before (a
     * re-send racing its original) that is the earlier ACK and no notification.
     */
    public record Recorded(String ack, List<Notification> notifications) {
    }

    private final Clock clock;
    private final GroupCommitWriter writer;
    private final JournalCheckpoints checkpoints;

    /**
     * Fault injection for the tests that show what the PAS, the councils and the operator see when the writer dies:
     * the next batch fails with this instead of being written. Never set outside tests.
     */
    public static void failNextBatchWith(Throwable fault) {
        GroupCommitWriter.failNextBatchWith(fault);
    }

    /** The journal's own workers: the writer and, with a write-ahead log, the checkpoints. */
    public List<Workers.Worker> workers() {
        return checkpoints == null ? List.of(writer.health()) : List.of(writer.health(), checkpoints.health());
    }

    /**
     * A journal whose commits are durable by themselves (PostgreSQL), or that need not be (an in-memory H2).
     */
    public AttendanceJournal(DataSource dataSource, MessageLog messages, Clock clock) {
        this(dataSource, messages, clock, null, false);
    }

    /**
     * @param log            the embedded store's write-ahead log (null: the store's commit is the durable record)
     * @param syncEachCommit with a log: sync each batch's append to the disk device before the ACKs (without, a power
     *                       cut can lose the last batches even though the process had written them)
     */
    public AttendanceJournal(DataSource dataSource, MessageLog messages, Clock clock, WriteAheadLog log,
                             boolean syncEachCommit) {
        this(dataSource, messages, clock, log, syncEachCommit, Duration.ofSeconds(1));
    }

    /** @param checkpointEvery how often H2 is made to write and sync its file, so that the log can forget */
    AttendanceJournal(DataSource dataSource, MessageLog messages, Clock clock, WriteAheadLog log,
                      boolean syncEachCommit, Duration checkpointEvery) {
        this.clock = clock;
        if (log == null) {
            writer = new GroupCommitWriter(dataSource, messages, null, syncEachCommit, 0);
            checkpoints = null;
            return;
        }
        JournalReplay.Replayed replayed;
        try {
            replayed = JournalReplay.replay(dataSource, log);
        } catch (SQLException | IOException e) {
            throw new StoreUnavailableException("the write-ahead log could not be written into the store", e);
        }
        writer = new GroupCommitWriter(dataSource, messages, log, syncEachCommit, replayed.lastSequence());
        checkpoints = new JournalCheckpoints(dataSource, log, writer::lastCommitted, replayed.mark(),
                checkpointEvery);
    }

    /** Records the attendance; returns once it is durable. */
    public Recorded record(Entry e) throws SQLException {
        OffsetDateTime completedAt = OffsetDateTime.now(clock.withZone(ZoneOffset.UTC));
        return recorded(writer.write(JournalRowMapping.answered(e.msh(), e.raw(), e.receivedAt(), completedAt,
                e.attendance(), e.result(), e.notifications(), e.ack(), e.pasAlert()), e.ack(), e.auditLine()));
    }

    /** Keeps a message that got AE or AR (no dedupe key: a re-send is processed afresh). */
    public void recordFailure(byte[] raw, MshHeader msh, OffsetDateTime receivedAt, String ack, String ackCode,
                              String flagResult, String reason) throws SQLException {
        OffsetDateTime completedAt = OffsetDateTime.now(clock.withZone(ZoneOffset.UTC));
        writer.write(JournalRowMapping.unanswered(msh, raw, receivedAt, completedAt, ack, ackCode, flagResult,
                reason), ack, null);
    }

    /** Stops the writer thread and the checkpoints (at shutdown, after the routes have stopped). */
    public void close() {
        writer.stop();
        if (checkpoints != null) {
            checkpoints.close();
        }
    }

    private static Recorded recorded(GroupCommitWriter.Committed committed) {
        return new Recorded(committed.ack(), committed.notifications());
    }
}
