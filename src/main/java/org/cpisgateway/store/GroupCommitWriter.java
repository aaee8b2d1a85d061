package org.cpisgateway.store;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import org.cpisgateway.notify.Notification;
import org.cpisgateway.supervision.Workers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's single writer ("group commit"): one thread takes every message waiting, writes them in one
 * transaction, commits and (with a {@link WriteAheadLog}) appends and syncs one log record; each caller waits for its
 * own batch, so an answer never leaves before its record is durable.
 *
 * <p>The writer is supervised: an Error on its thread (nothing it holds can then be trusted) answers every message it
 * held or that waits for it at once, marks it down, and a new writer takes over after {@link #RESTART_DELAY_MILLIS}.
 */
final class GroupCommitWriter {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final Logger AUDIT = LoggerFactory.getLogger("cpis.audit");

    /** How long a writer that died waits before it takes messages again (down meanwhile). */
    static final long RESTART_DELAY_MILLIS = 2000;
    static final int MAX_BATCH = 256;

    /**
     * What was committed for one message: the answer to give and the notifications it put in the outbox. For a
     * message recorded before (a re-send racing its original) that is the earlier answer and no notification.
     */
    record Committed(String ack, List<Notification> notifications) {
    }

    private record Pending(JournalRows rows, String ack, String auditLine, CompletableFuture<Committed> done) {
    }

    /** Put in the queue by {@link #stop()}: the writer stops once it has written what came before it. */
    private static final Pending STOP = new Pending(null, null, null, null);

    /** What the next batch fails with instead of being written: set only by tests ({@link #failNextBatchWith}). */
    private static volatile Throwable nextBatchFault;

    private final DataSource dataSource;
    private final MessageLog messages;
    private final WriteAheadLog log;
    private final boolean syncEachCommit;
    private final Workers.Worker health = new Workers.Worker("journal-writer");
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private volatile Thread thread;
    private volatile long lastCommitted;

    /**
     * @param log           the write-ahead log each batch is appended to, or null (the store's commit is durable)
     * @param lastCommitted the number of the last record in the log (the next batch is numbered after it)
     */
    GroupCommitWriter(DataSource dataSource, MessageLog messages, WriteAheadLog log, boolean syncEachCommit,
                      long lastCommitted) {
        this.dataSource = dataSource;
        this.messages = messages;
        this.log = log;
        this.syncEachCommit = syncEachCommit;
        this.lastCommitted = lastCommitted;
    }

    /** The test seam behind {@code AttendanceJournal.failNextBatchWith}: a writer death on demand. */
    static void failNextBatchWith(Throwable fault) {
        nextBatchFault = fault;
    }

    Workers.Worker health() {
        return health;
    }

    /** The number of the last log record whose batch the store has committed. */
    long lastCommitted() {
        return lastCommitted;
    }

    /** Writes the rows with the next batch; returns once they are durable. */
    Committed write(JournalRows rows, String ack, String auditLine) throws SQLException {
        Pending pending = new Pending(rows, ack, auditLine, new CompletableFuture<>());
        submit(pending);
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

    private synchronized void submit(Pending p) throws SQLException {
        if (!health.up() && thread != null) {
            // the writer died and waits to restart: answer now (AE), not after the 60 s wait
            throw new SQLException("the journal writer is restarting after a failure (" + health.lastFailure() + ")");
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
            health.running();
            run();
        }, "cpis-journal-writer");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void run() {
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

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    /**
     * The writer died of {@code fatal}: every message it held or that waits for it is answered at once (AE: the
     * store's failure rule), the death is noted (readiness DOWN, {@code cpis_worker_deaths_total}), and a new writer
     * takes over after {@link #RESTART_DELAY_MILLIS}; messages arriving meanwhile are answered AE at once.
     */
    private synchronized void died(List<Pending> batch, Throwable fatal) {
        health.died(fatal);
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
     * Writes each message of the batch; false, having stopped, at the first re-sent one when not {@code each}. With
     * {@code each}, a re-sent message's statements are undone to its savepoint and it is marked a duplicate.
     */
    private static boolean writeAll(Connection c, List<Pending> batch, boolean each, List<List<Notification>> written,
                                    List<Boolean> duplicate, List<JournalRows> logged) throws SQLException {
        for (Pending p : batch) {
            Savepoint sp = each ? c.setSavepoint() : null;
            try {
                written.add(JournalRowMapping.write(c, p.rows()));
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
     * One record for the batch, numbered by its last message (several when its raw messages are larger than a record
     * holds); only the last is synced, which syncs every one before it.
     */
    private void appendToLog(long sequence, List<JournalRows> logged) throws IOException {
        List<List<JournalRows>> records = JournalRows.records(logged, log.rawBytesPerRecord());
        long upTo = sequence;
        for (int i = 0; i < records.size(); i++) {
            upTo += records.get(i).size();
            log.append(upTo, JournalRows.encodeAll(records.get(i)), syncEachCommit && i == records.size() - 1);
        }
    }

    /** The audit lines of the batch's attendances recorded now (not the re-sent ones), as one log event. */
    private static void audit(List<Pending> batch, List<Boolean> duplicate) {
        StringJoiner lines = new StringJoiner("\n");
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i).auditLine() != null && !duplicate.get(i)) {
                lines.add(batch.get(i).auditLine());
            }
        }
        if (lines.length() > 0) {
            AUDIT.info(lines.toString());
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
                // first without a savepoint per message (a re-sent message is rare); when one is found, the batch is
                // done again with them, so that only the re-sent message's statements are undone
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
                p.done().complete(new Committed(p.ack(), written.get(i)));
                continue;
            }
            try {
                String previous = messages.previousAnswer(p.rows().message().dedupeKey());
                p.done().complete(new Committed(previous != null ? previous : p.ack(), List.of()));
            } catch (SQLException failed) {
                p.done().completeExceptionally(failed);
            }
        }
    }
}
