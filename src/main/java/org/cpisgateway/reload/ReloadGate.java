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

    /**
     * Listener side: before handing the frame to direct:adt-inbound. The share is given back when the exchange is
     * done (also on failure), on the listener's thread, which runs the frame from its first step to its ACK.
     */
    public void enter(Exchange exchange) throws InterruptedException {
        if (!lock.readLock().tryLock(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("a route reload held the MLLP path for more than 60 s");
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                lock.readLock().unlock();
            }

            @Override
            public boolean allowHandover() {
                return false; // stays with this exchange: not handed to the copy a seda: wake-up sends on
            }
        });
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
