package org.cpisgateway.reload;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.apache.camel.Exchange;

/**
 * Makes a live reload of the MLLP path atomic for the listeners. Each frame holds a read share while it is in
 * {@code direct:adt-inbound}; a reload of those routes takes the exclusive side, so it waits for frames in progress
 * to finish and frames arriving meanwhile wait for the new routes (Camel's own stop of a {@code direct:} route has
 * a window in which a frame can enter a route whose steps are already stopped: it got RejectedExecutionException).
 */
public class ReloadGate {

    private static final String HELD = "cpisReloadGateHeld";

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);

    /** Listener side: before handing the frame to direct:adt-inbound. */
    public void enter(Exchange exchange) throws InterruptedException {
        if (!lock.readLock().tryLock(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("a route reload held the MLLP path for more than 60 s");
        }
        exchange.setProperty(HELD, Boolean.TRUE);
    }

    /**
     * Listener side: after the frame came back (always, also on failure), on the thread that entered, and before
     * the ACK is written: a PAS that does not read its ACKs must not hold a reload up.
     */
    public void leave(Exchange exchange) {
        if (exchange.getProperty(HELD) != null) {
            exchange.removeProperty(HELD);
            lock.readLock().unlock();
        }
    }

    /** Reloader side: runs {@code swap} with no frame in the MLLP path. */
    public <T> T exclusive(Check<T> swap) throws Exception {
        lock.writeLock().lock();
        try {
            return swap.run();
        } finally {
            lock.writeLock().unlock();
        }
    }

    public interface Check<T> {
        T run() throws Exception;
    }
}
