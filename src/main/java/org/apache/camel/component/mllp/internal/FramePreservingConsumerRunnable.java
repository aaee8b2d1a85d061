package org.apache.camel.component.mllp.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.apache.camel.component.mllp.FramePreservingMllpComponent;
import org.apache.camel.component.mllp.MllpProtocolConstants;
import org.apache.camel.component.mllp.MllpTcpServerConsumer;

/**
 * Reads one connection frame by frame, with its own read loop in place of camel-mllp's (whose buffer keeps reading
 * until a frame ends, so no limit is checked while a sender trickles bytes, and grows a little at a time, copying the
 * whole frame each time). Each budget is checked after every read, on the monotonic clock:
 * <ul>
 *   <li>a frame must end within the frame time-out, counted from its start block, however slowly its bytes come;</li>
 *   <li>a frame may not exceed the maximum frame size;</li>
 *   <li>what frames in progress hold together, across connections, stays within the listeners' {@link FrameMemory};</li>
 *   <li>a connection that sends nothing for the idle time-out is closed.</li>
 * </ul>
 * A breach closes the connection without an answer (the PAS reconnects and sends again), is logged without content
 * and counted ({@code cpis_mllp_closed_total}). Bytes that follow a complete frame in the same read are the next
 * frame, so pipelined messages each get processed and acknowledged in order. Payload bytes are never logged here.
 * camel-mllp's own buffer ({@link #getMllpBuffer()}) is left to write the ACKs.
 */
public class FramePreservingConsumerRunnable extends TcpSocketConsumerRunnable {

    /** Connection events without payload; camel-mllp's own loggers are set to ERROR because they log payloads. */
    private static final org.slf4j.Logger CONNECTIONS = org.slf4j.LoggerFactory.getLogger("org.cpisgateway.mllp");

    private final FramePreservingMllpComponent limits;
    private final FrameBuffer frame;
    /** When the current frame's start block arrived (System.nanoTime), or -1 between frames. */
    private long frameStartedAt = -1;
    private volatile long lastReadAt = System.nanoTime();
    private volatile boolean inFrame;

    public FramePreservingConsumerRunnable(MllpTcpServerConsumer consumer, Socket clientSocket, MllpSocketBuffer mllpBuffer,
                                           Hl7Util hl7Util, boolean logPhi) {
        super(consumer, clientSocket, mllpBuffer, hl7Util, logPhi);
        this.limits = (FramePreservingMllpComponent) consumer.getEndpoint().getComponent();
        this.frame = new FrameBuffer(limits.frameMemory());
    }

    /** Nanoseconds since this connection last received a byte; 0 while a frame is in progress or being answered. */
    public long idleNanos() {
        return inFrame ? 0 : System.nanoTime() - lastReadAt;
    }

    @Override
    public void run() {
        running = true;
        String originalThreadName = Thread.currentThread().getName();
        Thread.currentThread().setName(createThreadName());
        try {
            InputStream in = clientSocket.getInputStream();
            while (running && clientSocket.isConnected() && !clientSocket.isClosed()) {
                int end = frame.length() > 0 ? frame.endBlock(MllpProtocolConstants.END_OF_BLOCK) : -1;
                if (end >= 0) {
                    answer(end);
                } else if (!read(in)) {
                    break;
                }
            }
        } catch (Exception | StackOverflowError unexpected) {
            CONNECTIONS.error("Unexpected failure on an MLLP connection; closing it", unexpected);
        } finally {
            consumer.getConsumerRunnables().remove(this);
            frame.release();
            Thread.currentThread().setName(originalThreadName);
            mllpBuffer.resetSocket(clientSocket);
        }
    }

    /** Hands the frame that ends at {@code end} to the route (which sends the ACK), keeps what followed it. */
    private void answer(int end) {
        byte[] payload = Arrays.copyOfRange(frame.array(), 1, end);
        frame.consume(end + 1);
        int stray = frame.dropBeforeStartBlock(MllpProtocolConstants.START_OF_BLOCK);
        if (stray > 0) {
            CONNECTIONS.warn("Discarding {} bytes received outside any MLLP frame", stray);
        }
        try {
            consumer.processMessage(payload, this);
        } finally {
            // the frame's correlation id (set by the route) must not label this connection's later lines
            org.slf4j.MDC.clear();
            mllpBuffer.reset(); // processMessage used camel-mllp's buffer to send the ACK
            frame.shrink();
            frameStartedAt = frame.length() > 0 ? System.nanoTime() : -1; // a pipelined frame starts now
            inFrame = frame.length() > 0;
            lastReadAt = System.nanoTime();
        }
    }

    /** One read from the socket within the budgets; false when the connection is to be closed. */
    private boolean read(InputStream in) throws IOException {
        if (!frame.makeRoom(limits.getMaxFrameBytes() + 3)) { // start block, end block, CR
            boolean tooLarge = frame.length() >= limits.getMaxFrameBytes() + 3;
            return close(tooLarge ? "frame-too-large" : "frame-memory",
                    tooLarge ? "Closed a connection sending a frame larger than cpis.mllp.max-frame-bytes ({} bytes)"
                            : "Closed a connection whose frame ({} bytes so far) did not fit in what frames in "
                            + "progress may hold together (cpis.mllp.frame-memory-bytes)",
                    frame.length());
        }
        clientSocket.setSoTimeout(soTimeout());
        int n;
        try {
            n = in.read(frame.array(), frame.length(), frame.array().length - frame.length());
        } catch (SocketTimeoutException quiet) {
            return withinTimeouts();
        } catch (IOException reset) {
            return closed();
        }
        if (n < 0) {
            return closed();
        }
        lastReadAt = System.nanoTime();
        boolean wasEmpty = frame.length() == 0;
        frame.added(n);
        if (wasEmpty) {
            int stray = frame.dropBeforeStartBlock(MllpProtocolConstants.START_OF_BLOCK);
            if (stray > 0) {
                CONNECTIONS.warn("Discarding {} bytes received outside any MLLP frame", stray);
            }
            if (frame.length() > 0) {
                frameStartedAt = lastReadAt;
                inFrame = true;
            }
        }
        return withinTimeouts();
    }

    /** How long the next read may wait: until the frame's or the idle time-out's end, and at most the receive time-out. */
    private int soTimeout() {
        long left = frameStartedAt >= 0 ? limits.getFrameTimeoutMillis() - millisSince(frameStartedAt)
                : idleTimeoutMillis() > 0 ? idleTimeoutMillis() - millisSince(lastReadAt) : Long.MAX_VALUE;
        long wait = Math.min(left, consumer.getConfiguration().getReceiveTimeout());
        return (int) Math.max(1, wait);
    }

    private boolean withinTimeouts() {
        if (frameStartedAt >= 0 && millisSince(frameStartedAt) > limits.getFrameTimeoutMillis()) {
            return close("frame-timeout", "Closed a connection whose frame was still incomplete {} ms after its start "
                    + "block ({} bytes; limit cpis.mllp.frame-timeout-ms = {})", millisSince(frameStartedAt),
                    frame.length(), limits.getFrameTimeoutMillis());
        }
        if (frameStartedAt < 0 && idleTimeoutMillis() > 0 && millisSince(lastReadAt) >= idleTimeoutMillis()) {
            limits.closed("idle");
            CONNECTIONS.info("Closed a connection idle for {} ms (cpis.mllp.idle-timeout-ms)", millisSince(lastReadAt));
            return false;
        }
        return true;
    }

    private long idleTimeoutMillis() {
        Integer idle = consumer.getConfiguration().getIdleTimeout();
        return idle == null ? 0 : idle;
    }

    private boolean closed() {
        if (frame.length() > 0) {
            CONNECTIONS.warn("Connection closed with {} bytes of an incomplete MLLP frame", frame.length());
        }
        return false;
    }

    private boolean close(String reason, String message, Object... args) {
        limits.closed(reason);
        CONNECTIONS.warn(message, args);
        return false;
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }
}
