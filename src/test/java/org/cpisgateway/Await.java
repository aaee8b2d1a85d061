package org.cpisgateway;

import java.time.Duration;

/** Waits for something a running gateway does in its own time, checking often, failing with what was awaited. */
public final class Await {

    private Await() {
    }

    /** A condition that may throw while it is not yet true (a file half there, a queue not yet made). */
    public interface Check {
        boolean ok() throws Exception;
    }

    public static void until(String what, Duration within, Check check) throws Exception {
        long end = System.nanoTime() + within.toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + within.toSeconds() + " s: " + what);
            }
            Thread.sleep(50);
        }
    }
}
