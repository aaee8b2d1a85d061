package org.apache.camel.component.mllp.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory every MLLP connection's frame buffers may hold together, beyond a small fixed buffer per connection. A
 * connection whose frame needs more than is left is closed, so that many senders of large or endless frames cannot
 * fill the heap between them (each frame is also bounded on its own by the maximum frame size).
 */
public final class FrameMemory {

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    public FrameMemory(long limit) {
        this.limit = limit;
    }

    /** Takes {@code bytes} from the budget; false (and nothing taken) when that would exceed it. */
    public boolean reserve(long bytes) {
        while (true) {
            long now = used.get();
            if (now + bytes > limit) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    public void release(long bytes) {
        used.addAndGet(-bytes);
    }

    public long used() {
        return used.get();
    }

    public long limit() {
        return limit;
    }
}
