package org.cpisgateway.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import org.cpisgateway.core.Attendance;
import org.cpisgateway.core.CheckResult;
import org.cpisgateway.hl7.MshHeader;
import org.cpisgateway.notify.Notification;

/**
 * The durable record of each answered attendance: the message (raw bytes, ACK, outcome), for a flagged record the
 * access, for an authority to be told the notification in the outbox; all in one transaction, committed (and synced)
 * before the ACK leaves.
 *
 * <p>Calls from all connections are written together by one writer thread ("group commit": one transaction and one
 * device flush for the attendances that arrive together); each caller waits for the commit of its own batch, so an
 * ACK still never leaves before its record is durable.
 */
public class AttendanceJournal {

    /** One answered attendance to record. */
    public record Entry(byte[] raw, OffsetDateTime receivedAt, MshHeader msh, Attendance attendance,
                        CheckResult result, List<Notification> notifications, String ack,
                        PasAlertTable.Alert pasAlert) {

        /** An entry with no alert for the sender's PAS. */
        public Entry(byte[] raw, OffsetDateTime receivedAt, MshHeader msh, Attendance attendance, CheckResult result,
                     List<Notification> notifications, String ack) {
            this(raw, receivedAt, msh, attendance, result, notifications, ack, null);
        }
    }

    /**
     * What was recorded: the ACK to send and the notifications to deliver now. For a message recorded before (a
     * re-send racing its original) that is the earlier ACK and no notification.
     */
    public record Recorded(String ack, List<Notification> notifications) {
    }

    private final DataSource dataSource;
    private final MessageLog messages;
    private final boolean syncEachCommit;
    private final Writer writer = new Writer();

    /**
     * @param syncEachCommit force each batch's commit to the disk device before the ACKs ({@code CHECKPOINT SYNC};
     *                       the embedded H2 does not fsync commits by itself, so without this a power cut can lose the
     *                       last commits even though the process had written them)
     */
    public AttendanceJournal(DataSource dataSource, MessageLog messages, boolean syncEachCommit) {
        this.dataSource = dataSource;
        this.messages = messages;
        this.syncEachCommit = syncEachCommit;
    }

    /** Records the attendance; returns once it is committed (and synced). */
    public Recorded record(Entry entry) throws SQLException {
        Pending pending = new Pending(entry, new CompletableFuture<>());
        writer.submit(pending);
        try {
            return pending.done.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException failed) {
            if (failed.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new IllegalStateException(failed.getCause());
        } catch (TimeoutException | InterruptedException notInTime) {
            throw new SQLException("journal write not confirmed in time", notInTime);
        }
    }

    /** Stops the writer thread (at shutdown, after the routes have stopped). */
    public void close() {
        writer.stop();
    }

    private record Pending(Entry entry, CompletableFuture<Recorded> done) {
    }

    /** The single writer: takes every attendance waiting, writes them in one transaction, commits and syncs once. */
    private final class Writer implements Runnable {
        static final int MAX_BATCH = 256;
        private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
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
            List<Pending> batch = new ArrayList<>(MAX_BATCH);
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
            List<Boolean> duplicate = new ArrayList<>(batch.size());
            List<List<Notification>> written = new ArrayList<>(batch.size());
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    for (Pending p : batch) {
                        Savepoint sp = c.setSavepoint();
                        try {
                            written.add(write(c, p.entry()));
                            duplicate.add(false);
                        } catch (SQLException e) {
                            c.rollback(sp);
                            if (!MessageLog.isDuplicateKey(e)) {
                                throw e;
                            }
                            written.add(List.of());
                            duplicate.add(true); // recorded before (or earlier in this batch): its answer is given
                        }
                    }
                    c.commit();
                    if (syncEachCommit) {
                        Database.syncToDisk(c);
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
                Entry e = batch.get(i).entry();
                CompletableFuture<Recorded> done = batch.get(i).done();
                if (!duplicate.get(i)) {
                    done.complete(new Recorded(e.ack(), written.get(i)));
                    continue;
                }
                try {
                    String previous = messages.previousAnswer(e.msh());
                    done.complete(new Recorded(previous != null ? previous : e.ack(), List.of()));
                } catch (SQLException failed) {
                    done.completeExceptionally(failed);
                }
            }
        }

        /** Writes the entry; returns the notifications it put in the outbox (a pattern alert already there is not). */
        private List<Notification> write(Connection c, Entry e) throws SQLException {
            long messageId = messages.insert(c, e.msh(), e.msh().dedupeKey(), e.raw(), e.receivedAt(), e.ack(), "AA",
                    e.result().status().name(), e.result().reasonCode());
            if (e.result().flagged() && !e.result().visitCheckedBefore()) {
                AccessLog.insert(c, messageId, e.msh(), e.attendance(), e.result().setting(), e.receivedAt());
            }
            if (e.result().flagged() && e.result().visit() != null && !e.result().visitCheckedBefore()) {
                VisitTable.checked(c, e.result().visit(), e.attendance().nhsNumber(), messageId, e.receivedAt());
            }
            if (e.pasAlert() != null) {
                PasAlertTable.insertOnce(c, e.pasAlert(), e.receivedAt());
            }
            List<Notification> queued = new ArrayList<>(e.notifications().size());
            for (Notification n : e.notifications()) {
                if (!n.patternAlert()) {
                    OutboxTable.insert(c, n, e.receivedAt());
                    queued.add(n);
                } else if (OutboxTable.insertOnce(c, n, e.receivedAt())) {
                    queued.add(n);
                }
            }
            return queued;
        }
    }
}
