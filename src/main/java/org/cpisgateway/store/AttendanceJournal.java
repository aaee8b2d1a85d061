package org.cpisgateway.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.io.IOException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import javax.sql.DataSource;

import org.cpisgateway.core.Attendance;
import org.cpisgateway.core.CheckResult;
import org.cpisgateway.core.StoreUnavailableException;
import org.cpisgateway.hl7.MshHeader;
import org.cpisgateway.notify.Notification;
import org.cpisgateway.supervision.Workers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable record of each answered attendance: the message (raw bytes, ACK, outcome), for a flagged record the
 * access, for an authority to be told the notification in the outbox; all in one transaction, durable before the
 * ACK leaves. A message answered AE or AR is kept the same way (raw bytes, ACK, reason).
 *
 * <p>Calls from all connections are written together by one writer thread ("group commit": one transaction and one
 * device flush for the attendances that arrive together); each caller waits for its own batch, so an ACK still never
 * leaves before its record is durable.
 *
 * <p>How a batch becomes durable depends on the store. PostgreSQL: its commit. The embedded H2 on disk: the batch's
 * rows are appended to the {@link WriteAheadLog} and synced, and H2 writes its own file later (its write delay, and a
 * synced checkpoint every second, after which the log forgets the batches it holds). H2 writing a chunk of every
 * changed page at each commit was most of the cost of a message. The log holds one record per batch (one append and
 * one sync, done by the writer thread itself), numbered by the count of messages written up to its last; the last
 * number H2 holds is in its {@code wal_mark} row, written in each batch's transaction; at start, the records the log
 * holds beyond it are written again.
 */
public class AttendanceJournal {

    private static final Logger LOG = LoggerFactory.getLogger(AttendanceJournal.class);
    private static final Logger AUDIT = LoggerFactory.getLogger("cpis.audit");

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

    private final DataSource dataSource;
    private final MessageLog messages;
    private final Clock clock;
    private final boolean syncEachCommit;
    private final WriteAheadLog log;
    private final Writer writer = new Writer();
    private final ScheduledExecutorService checkpoints;
    private volatile long lastCommitted;
    private volatile long lastForgotten;
    private final Workers.Worker writerHealth = new Workers.Worker("journal-writer");
    private final Workers.Worker checkpointHealth = new Workers.Worker("store-checkpoint");

    /** How long a writer that died waits before it takes messages again (down meanwhile). */
    static final long RESTART_DELAY_MILLIS = 2000;

    /**
     * Fault injection for the tests that show what the PAS, the councils and the operator see when the writer dies:
     * the next batch fails with this instead of being written. Never set outside tests.
     */
    private static volatile Throwable nextBatchFault;

    public static void failNextBatchWith(Throwable fault) {
        nextBatchFault = fault;
    }

    /** The journal's own workers: the writer and, with a write-ahead log, the checkpoints. */
    public List<Workers.Worker> workers() {
        return log == null ? List.of(writerHealth) : List.of(writerHealth, checkpointHealth);
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
        this(dataSource, messages, clock, log, syncEachCommit, java.time.Duration.ofSeconds(1));
    }

    /** @param checkpointEvery how often H2 is made to write and sync its file, so that the log can forget */
    AttendanceJournal(DataSource dataSource, MessageLog messages, Clock clock, WriteAheadLog log,
                      boolean syncEachCommit, java.time.Duration checkpointEvery) {
        this.dataSource = dataSource;
        this.messages = messages;
        this.clock = clock;
        this.log = log;
        this.syncEachCommit = syncEachCommit;
        if (log == null) {
            checkpoints = null;
            return;
        }
        try {
            replay(log);
        } catch (SQLException | IOException e) {
            throw new StoreUnavailableException("the write-ahead log could not be written into the store", e);
        }
        checkpoints = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cpis-store-checkpoint");
            t.setDaemon(true);
            return t;
        });
        checkpoints.scheduleWithFixedDelay(this::supervisedCheckpoint, checkpointEvery.toMillis(),
                checkpointEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Records the attendance; returns once it is durable. */
    public Recorded record(Entry entry) throws SQLException {
        OffsetDateTime completedAt = OffsetDateTime.now(clock.withZone(ZoneOffset.UTC));
        return submit(rowsOf(entry, completedAt), entry.ack(), entry.auditLine());
    }

    /** Keeps a message that got AE or AR (no dedupe key: a re-send is processed afresh). */
    public void recordFailure(byte[] raw, MshHeader msh, OffsetDateTime receivedAt, String ack, String ackCode,
                              String flagResult, String reason) throws SQLException {
        OffsetDateTime completedAt = OffsetDateTime.now(clock.withZone(ZoneOffset.UTC));
        submit(new JournalRows(message(msh, null, raw == null ? new byte[0] : raw, receivedAt, completedAt, ack,
                ackCode, flagResult, reason), null, null, null, List.of()), ack, null);
    }

    /** Stops the writer thread and the checkpoints (at shutdown, after the routes have stopped). */
    public void close() {
        writer.stop();
        if (checkpoints != null) {
            checkpoints.shutdown();
            try {
                checkpoints.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            checkpoint();
            try {
                log.close();
            } catch (Exception e) {
                LOG.warn("The write-ahead log did not close cleanly: {}", e.getClass().getName());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    private Recorded submit(JournalRows rows, String ack, String auditLine) throws SQLException {
        Pending pending = new Pending(rows, ack, auditLine, new CompletableFuture<>());
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

    /** The rows an answered attendance adds: message, and for a first flagged look-up its access and visit. */
    static JournalRows rowsOf(Entry e, OffsetDateTime completedAt) {
        CheckResult r = e.result();
        boolean firstLookUp = r.flagged() && !r.visitCheckedBefore();
        JournalRows.Access access = !firstLookUp ? null : new JournalRows.Access(e.attendance().nhsNumber(),
                e.attendance().attendanceTime(), MessageLog.cut(r.setting().code(), 64),
                MessageLog.cut(r.setting().name(), 200), MessageLog.cut(r.setting().type(), 32),
                r.setting().scheduled(), MessageLog.cut(e.msh().sendingFacilityCode(), 227),
                MessageLog.cut(e.msh().controlId(), 199));
        JournalRows.Visit visit = firstLookUp && r.visit() != null
                ? new JournalRows.Visit(r.visit(), e.attendance().nhsNumber()) : null;
        return new JournalRows(message(e.msh(), e.msh().dedupeKey(), e.raw(), e.receivedAt(), completedAt, e.ack(),
                "AA", r.status().name(), r.reasonCode()), access, visit, e.pasAlert(), e.notifications());
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
    private static List<Notification> write(Connection c, JournalRows rows) throws SQLException {
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

    /**
     * A checkpoint that cannot end the schedule: a scheduled task that throws is never run again, so an Error here
     * would stop the log from ever forgetting, silently. It is noted (down until the next checkpoint succeeds).
     */
    private void supervisedCheckpoint() {
        try {
            checkpoint();
            checkpointHealth.running();
        } catch (Throwable failed) {
            checkpointHealth.died(failed);
            LOG.error("A store checkpoint failed; the next is tried in its turn", failed);
        }
    }

    /** The records the log holds beyond the store's mark, written into the store again (at start, before traffic). */
    private void replay(WriteAheadLog wal) throws SQLException, IOException {
        long mark;
        try (Connection c = dataSource.getConnection()) {
            mark = WalMark.read(c);
            int replayed = 0;
            for (WriteAheadLog.Logged record : wal.loaded()) {
                if (record.sequence() <= mark) {
                    continue;
                }
                c.setAutoCommit(false);
                for (JournalRows rows : JournalRows.decodeAll(record.data())) {
                    Savepoint sp = c.setSavepoint();
                    try {
                        write(c, rows);
                        replayed++;
                    } catch (SQLException e) {
                        c.rollback(sp);
                        if (!SqlErrors.isDuplicateKey(e)) {
                            throw e;
                        }
                    }
                }
                WalMark.write(c, record.sequence());
                c.commit();
                mark = record.sequence();
            }
            c.setAutoCommit(true);
            Database.syncToDisk(c);
            if (replayed > 0) {
                LOG.info("Store brought up to date from the write-ahead log: {} message(s) written again", replayed);
            }
        }
        wal.forgetUpTo(mark);
        lastCommitted = Math.max(mark, wal.lastLoadedSequence());
        lastForgotten = mark;
    }

    /** H2 writes and syncs what is committed; the log then forgets the records H2 now holds. */
    private void checkpoint() {
        long upTo = lastCommitted;
        if (upTo <= lastForgotten) {
            return;
        }
        try {
            Database.syncToDisk(dataSource);
            log.forgetUpTo(upTo);
            lastForgotten = upTo;
        } catch (RuntimeException | IOException e) {
            LOG.warn("Store checkpoint failed (the write-ahead log keeps its records until one succeeds): {}",
                    e.getClass().getName());
        }
    }

    private record Pending(JournalRows rows, String ack, String auditLine, CompletableFuture<Recorded> done) {
    }

    /** The audit lines of the batch's attendances recorded now (not the re-sent ones), as one log event. */
    private static void audit(List<Pending> batch, List<Boolean> duplicate) {
        java.util.StringJoiner lines = new java.util.StringJoiner("\n");
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i).auditLine() != null && !duplicate.get(i)) {
                lines.add(batch.get(i).auditLine());
            }
        }
        if (lines.length() > 0) {
            AUDIT.info(lines.toString());
        }
    }

    /** The single writer: takes every attendance waiting, writes them in one transaction, commits and syncs once. */
    private final class Writer implements Runnable {
        static final int MAX_BATCH = 256;
        /** Put in the queue by {@link #stop()}: the writer stops once it has written what came before it. */
        private static final Pending STOP = new Pending(null, null, null, null);
        private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
        private volatile Thread thread;

        /**
         * Lets the writer finish the batches submitted so far, then stop. Not by interrupting it: it writes and syncs
         * the log itself, and an interrupt there would close the log's file.
         */
        synchronized void stop() {
            Thread t = thread;
            if (t == null) {
                return;
            }
            thread = null;
            queue.add(STOP);
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        synchronized void submit(Pending p) throws SQLException {
            if (!writerHealth.up() && thread != null) {
                // the writer died and waits to restart: answer now (AE), not after the 60 s wait
                throw new SQLException("the journal writer is restarting after a failure ("
                        + writerHealth.lastFailure() + ")");
            }
            if (thread == null) {
                start(0);
            }
            queue.add(p);
        }

        private void start(long delayMillis) {
            Thread t = new Thread(() -> {
                if (delayMillis > 0) {
                    try {
                        Thread.sleep(delayMillis);
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
                writerHealth.running();
                run();
            }, "cpis-journal-writer");
            t.setDaemon(true);
            thread = t;
            t.start();
        }

        @Override
        public void run() {
            List<Pending> batch = new ArrayList<>(MAX_BATCH);
            while (true) {
                try {
                    batch.clear();
                    batch.add(queue.take());
                    queue.drainTo(batch, MAX_BATCH - 1);
                    boolean stop = batch.removeIf(p -> p == STOP);
                    if (!batch.isEmpty()) {
                        Throwable fault = nextBatchFault;
                        if (fault != null) {
                            nextBatchFault = null;
                            sneakyThrow(fault);
                        }
                        writeBatch(batch);
                    }
                    if (stop) {
                        return;
                    }
                } catch (InterruptedException stop) {
                    return;
                } catch (RuntimeException unexpected) {
                    for (Pending p : batch) {
                        p.done.completeExceptionally(unexpected);
                    }
                } catch (Throwable fatal) { // an Error: nothing this thread holds can be trusted; restart it
                    died(batch, fatal);
                    return;
                }
            }
        }

        /**
         * The writer died of {@code fatal}: every message it held or that waits for it is answered at once (AE: the
         * store's failure rule), the death is noted (readiness DOWN, {@code cpis_worker_deaths_total}), and a new
         * writer takes over after {@link #RESTART_DELAY_MILLIS}; messages arriving meanwhile are answered AE at once.
         */
        private synchronized void died(List<Pending> batch, Throwable fatal) {
            writerHealth.died(fatal);
            LOG.error("The journal writer failed; the messages it held are answered AE and it restarts in {} ms",
                    RESTART_DELAY_MILLIS, fatal);
            SQLException failure = new SQLException("the journal writer failed (" + fatal.getClass().getName() + ")",
                    fatal);
            List<Pending> waiting = new ArrayList<>(batch);
            queue.drainTo(waiting);
            boolean stopping = false;
            for (Pending p : waiting) {
                if (p == STOP) {
                    stopping = true;
                } else if (p.done() != null) {
                    p.done().completeExceptionally(failure);
                }
            }
            if (stopping || thread == null) {
                thread = null;
                return;
            }
            start(RESTART_DELAY_MILLIS);
        }

        /**
         * Writes each message of the batch; false, having stopped, at the first re-sent one when not {@code each}.
         * With {@code each}, a re-sent message's statements are undone to its savepoint and it is marked a duplicate.
         */
        private static boolean writeAll(Connection c, List<Pending> batch, boolean each, List<List<Notification>> written,
                                        List<Boolean> duplicate, List<JournalRows> logged) throws SQLException {
            for (Pending p : batch) {
                Savepoint sp = each ? c.setSavepoint() : null;
                try {
                    written.add(write(c, p.rows()));
                    duplicate.add(false);
                    logged.add(p.rows());
                } catch (SQLException e) {
                    if (!SqlErrors.isDuplicateKey(e)) {
                        throw e;
                    }
                    if (!each) {
                        return false;
                    }
                    c.rollback(sp);
                    written.add(List.of());
                    duplicate.add(true); // recorded before (or earlier in this batch): its answer is given
                }
            }
            return true;
        }

        /**
         * One record for the batch, numbered by its last message (several when its raw messages are larger than a
         * record holds); only the last is synced, which syncs every one before it.
         */
        private void appendToLog(long sequence, List<JournalRows> logged) throws IOException {
            List<List<JournalRows>> records = JournalRows.records(logged, log.rawBytesPerRecord());
            long upTo = sequence;
            for (int i = 0; i < records.size(); i++) {
                upTo += records.get(i).size();
                log.append(upTo, JournalRows.encodeAll(records.get(i)), syncEachCommit && i == records.size() - 1);
            }
        }

        private void writeBatch(List<Pending> batch) {
            List<Boolean> duplicate = new ArrayList<>(batch.size());
            List<List<Notification>> written = new ArrayList<>(batch.size());
            List<JournalRows> logged = new ArrayList<>(batch.size());
            long sequence = lastCommitted;
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    // first without a savepoint per message (a re-sent message is rare); when one is found, the batch
                    // is done again with them, so that only the re-sent message's statements are undone
                    if (!writeAll(c, batch, false, written, duplicate, logged)) {
                        c.rollback();
                        written.clear();
                        duplicate.clear();
                        logged.clear();
                        writeAll(c, batch, true, written, duplicate, logged);
                    }
                    if (log != null && !logged.isEmpty()) {
                        WalMark.write(c, sequence + logged.size());
                    }
                    audit(batch, duplicate);
                    c.commit();
                } catch (SQLException e) {
                    c.rollback();
                    throw e;
                }
                if (log != null && !logged.isEmpty()) {
                    lastCommitted = sequence + logged.size();
                    appendToLog(sequence, logged);
                }
            } catch (SQLException | IOException storeFailed) {
                for (Pending p : batch) {
                    p.done.completeExceptionally(storeFailed instanceof SQLException sql ? sql
                            : new SQLException("write-ahead log failed", storeFailed));
                }
                return;
            }
            for (int i = 0; i < batch.size(); i++) {
                Pending p = batch.get(i);
                if (!duplicate.get(i)) {
                    p.done().complete(new Recorded(p.ack(), written.get(i)));
                    continue;
                }
                try {
                    String previous = messages.previousAnswer(p.rows().message().dedupeKey());
                    p.done().complete(new Recorded(previous != null ? previous : p.ack(), List.of()));
                } catch (SQLException failed) {
                    p.done().completeExceptionally(failed);
                }
            }
        }
    }
}
