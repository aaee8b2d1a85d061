package org.cpisgateway.store;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

import org.cpisgateway.supervision.Workers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the embedded store with a {@link WriteAheadLog}: every so often H2 is made to write and sync its file, after
 * which the log forgets the records H2 now holds.
 */
final class JournalCheckpoints {

    private static final Logger LOG = LoggerFactory.getLogger(JournalCheckpoints.class);

    private final DataSource dataSource;
    private final WriteAheadLog log;
    private final LongSupplier lastCommitted;
    private final ScheduledExecutorService schedule;
    private final Workers.Worker health = new Workers.Worker("store-checkpoint");
    private volatile long lastForgotten;

    /**
     * @param lastCommitted the number of the last record committed in the store (the group-commit writer's)
     * @param forgotten     the number the log has forgotten up to already
     * @param every         how often H2 is made to write and sync its file
     */
    JournalCheckpoints(DataSource dataSource, WriteAheadLog log, LongSupplier lastCommitted, long forgotten,
                       Duration every) {
        this.dataSource = dataSource;
        this.log = log;
        this.lastCommitted = lastCommitted;
        this.lastForgotten = forgotten;
        schedule = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cpis-store-checkpoint");
            t.setDaemon(true);
            return t;
        });
        schedule.scheduleWithFixedDelay(this::supervisedCheckpoint, every.toMillis(), every.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    Workers.Worker health() {
        return health;
    }

    /** Stops the schedule, makes a last checkpoint and closes the log (after the writer has stopped). */
    void close() {
        schedule.shutdown();
        try {
            schedule.awaitTermination(10, TimeUnit.SECONDS);
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

    /**
     * A checkpoint that cannot end the schedule: a scheduled task that throws is never run again, so an Error here
     * would stop the log from ever forgetting, silently. It is noted (down until the next checkpoint succeeds).
     */
    private void supervisedCheckpoint() {
        try {
            checkpoint();
            health.running();
        } catch (Throwable failed) {
            health.died(failed);
            LOG.error("A store checkpoint failed; the next is tried in its turn", failed);
        }
    }

    /** H2 writes and syncs what is committed; the log then forgets the records H2 now holds. */
    private void checkpoint() {
        long upTo = lastCommitted.getAsLong();
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
}
