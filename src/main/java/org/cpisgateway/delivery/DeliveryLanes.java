package org.cpisgateway.delivery;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.cpisgateway.supervision.Workers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One lane per authority and channel (webhook, folder, SFTP, mail): each lane delivers its own notifications in
 * order, one at a time, on a small shared pool of threads, so a council whose webhook hangs until its time-out holds up
 * only its own lane, never another council's queue, webhook, folder or mail. A lane woken while it runs goes round
 * once more when it ends, so no wake-up is lost and a lane never runs twice at once.
 *
 * <p>A lane that fails unexpectedly (an Error included) is logged at ERROR with its stack trace and counted as a death
 * of the worker {@code delivery-lanes}; it is woken again by the next round (the relay's timer), which is its restart.
 */
final class DeliveryLanes implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLanes.class);

    /** One pass of a lane's deliveries. */
    interface Pass {
        void run() throws Exception;
    }

    private final ExecutorService pool;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private final Workers.Worker health;

    /** @param threads lanes that may deliver at the same moment ({@code cpis.delivery.lanes}) */
    DeliveryLanes(int threads, Workers.Worker health) {
        AtomicInteger ids = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "cpis-delivery-lane-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ((ThreadPoolExecutor) pool).allowCoreThreadTimeOut(true);
        this.health = health;
    }

    /** Makes the lane {@code key} run {@code pass} soon (at once when it is idle and a thread is free). */
    void wake(String key, Pass pass) {
        lanes.computeIfAbsent(key, Lane::new).wake(pass);
    }

    /** True while no lane runs or waits to run. */
    boolean idle() {
        return lanes.values().stream().noneMatch(l -> l.running.get());
    }

    @Override
    public void close() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private final class Lane {
        private final String key;
        private final AtomicBoolean wanted = new AtomicBoolean();
        private final AtomicBoolean running = new AtomicBoolean();
        private volatile Pass pass;

        Lane(String key) {
            this.key = key;
        }

        void wake(Pass next) {
            pass = next;
            wanted.set(true);
            schedule();
        }

        private void schedule() {
            if (running.compareAndSet(false, true)) {
                try {
                    pool.execute(this::drain);
                } catch (RejectedExecutionException stopping) {
                    running.set(false); // the gateway is stopping: what waits is sent after its next start
                }
            }
        }

        private void drain() {
            try {
                while (wanted.getAndSet(false)) {
                    pass.run();
                }
                health.running();
            } catch (java.sql.SQLException storeDown) {
                LOG.warn("Delivery lane {} could not read or record its notifications, tried again next round: {}",
                        key, storeDown.getClass().getName());
            } catch (Throwable failed) {
                health.died(failed);
                LOG.error("Delivery lane {} failed; it is started again by the next round", key, failed);
            } finally {
                running.set(false);
                if (wanted.get()) {
                    schedule();
                }
            }
        }
    }
}
