package org.cpisgateway.reload;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * Makes a live reload of the MLLP path atomic for the listeners. Each frame holds a read share while it is in
 * {@code direct:adt-inbound}; a reload of those routes takes the exclusive side, so it waits for frames in progress
 * to finish and frames arriving meanwhile wait for the new routes (Camel's own stop of a {@code direct:} route has
 * a window in which a frame can enter a route whose steps are already stopped: it got RejectedExecutionException).
 */
public class ReloadGate {

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);

    private static final String HELD = "cpisReloadGateHeld";

    /**
     * Listener side: before handing the frame to direct:adt-inbound. The share is given back by {@link #leave} once
     * adt-inbound has answered, before the ACK is written (a PAS that does not read its ACKs must not hold a reload
     * up); when adt-inbound fails instead, it is given back when the listener's exchange is done. Both happen on the
     * listener's thread, which runs the frame from its first step to its ACK.
     */
    public void enter(Exchange exchange) throws InterruptedException {
        if (!lock.readLock().tryLock(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("a route reload held the MLLP path for more than 60 s");
        }
        exchange.setProperty(HELD, Boolean.TRUE);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                leave(done);
            }

            @Override
            public boolean allowHandover() {
                return false; // stays with this exchange: not handed to the copy a seda: wake-up sends on
            }
        });
    }

    /** Listener side: gives the share back (once; a second call does nothing). */
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
