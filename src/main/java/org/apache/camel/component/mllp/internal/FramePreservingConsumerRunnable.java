package org.apache.camel.component.mllp.internal;

import java.net.Socket;
import java.net.SocketTimeoutException;

import org.apache.camel.component.mllp.MllpSocketException;
import org.apache.camel.component.mllp.MllpTcpServerConsumer;

/**
 * Reads one connection frame by frame. Unlike the stock loop, bytes that follow a complete frame in the same read are
 * put back into the buffer and become the next frame, so pipelined messages each get processed and acknowledged in
 * order. Also enforces limits the stock loop lacks: a frame must complete within the component's frame timeout (a
 * sender trickling one byte at a time is cut off), and a frame larger than the maximum buffer size closes the
 * connection cleanly. Payload bytes are never logged here: only counts.
 */
public class FramePreservingConsumerRunnable extends TcpSocketConsumerRunnable {

    /** Connection events without payload; camel-mllp's own loggers are set to ERROR because they log payloads. */
    private static final org.slf4j.Logger CONNECTIONS = org.slf4j.LoggerFactory.getLogger("org.cpisgateway.mllp");

    private long frameStartedAt = -1;

    public FramePreservingConsumerRunnable(MllpTcpServerConsumer consumer, Socket clientSocket, MllpSocketBuffer mllpBuffer,
                                           Hl7Util hl7Util, boolean logPhi) {
        super(consumer, clientSocket, mllpBuffer, hl7Util, logPhi);
    }

    @Override
    public void run() {
        running = true;
        String originalThreadName = Thread.currentThread().getName();
        Thread.currentThread().setName(createThreadName());
        try {
            while (running && clientSocket.isConnected() && !clientSocket.isClosed()) {
                if (!mllpBuffer.hasCompleteEnvelope() && !readMore()) {
                    continue;
                }
                if (frameTooSlow()) {
                    break;
                }
                if (!mllpBuffer.hasCompleteEnvelope()) {
                    if (!mllpBuffer.hasStartOfBlock() && !mllpBuffer.isEmpty()) {
                        CONNECTIONS.warn("Discarding {} bytes received outside any MLLP frame", mllpBuffer.size());
                        mllpBuffer.reset();
                    }
                    continue;
                }
                if (mllpBuffer.hasLeadingOutOfBandData()) {
                    CONNECTIONS.warn("Discarding {} bytes received before an MLLP start block",
                            mllpBuffer.getLeadingOutOfBandData().length);
                }
                byte[] payload = mllpBuffer.toMllpPayload();
                byte[] following = mllpBuffer.getTrailingOutOfBandData();
                mllpBuffer.reset();
                frameStartedAt = -1;
                consumer.processMessage(payload, this);
                // processMessage used the buffer to send the ACK; start the next frame from what followed this one
                mllpBuffer.reset();
                if (following != null && !isLineEndsOnly(following)) {
                    mllpBuffer.write(following);
                }
            }
        } catch (Exception unexpected) {
            CONNECTIONS.error("Unexpected failure on an MLLP connection: {}", unexpected.getClass().getName());
        } finally {
            consumer.getConsumerRunnables().remove(this);
            Thread.currentThread().setName(originalThreadName);
            mllpBuffer.resetSocket(clientSocket);
        }
    }

    private static boolean isLineEndsOnly(byte[] bytes) {
        for (byte b : bytes) {
            if (b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    /**
     * A frame that started too long ago without ending: close the connection (the PAS will reconnect and resend).
     * The first call for a frame notes its start.
     */
    private boolean frameTooSlow() {
        if (!mllpBuffer.hasStartOfBlock() || mllpBuffer.hasCompleteEnvelope()) {
            return false;
        }
        long now = System.currentTimeMillis();
        if (frameStartedAt < 0) {
            frameStartedAt = now;
            return false;
        }
        long limit = ((org.apache.camel.component.mllp.FramePreservingMllpComponent) consumer.getEndpoint()
                .getComponent()).getFrameTimeoutMillis();
        if (now - frameStartedAt <= limit) {
            return false;
        }
        CONNECTIONS.warn("Closed a connection whose frame was still incomplete after {} ms ({} bytes; limit "
                + "cpis.mllp.frame-timeout-ms = {})", now - frameStartedAt, mllpBuffer.size(), limit);
        mllpBuffer.reset();
        mllpBuffer.resetSocket(clientSocket);
        return true;
    }

    /** @return false when nothing usable was read (timeout or closed connection) */
    private boolean readMore() {
        try {
            // poll every second inside a frame, so the frame timeout is checked even while bytes trickle in
            mllpBuffer.readFrom(clientSocket, consumer.getConfiguration().getReceiveTimeout(), 1000);
            return true;
        } catch (IllegalStateException tooLarge) {
            CONNECTIONS.warn("Closed a connection sending a frame larger than cpis.mllp.max-frame-bytes ({} bytes read)",
                    mllpBuffer.size());
            mllpBuffer.reset();
            mllpBuffer.resetSocket(clientSocket);
            return false;
        } catch (SocketTimeoutException timeout) {
            if (mllpBuffer.isEmpty()) {
                if (consumer.getConfiguration().hasIdleTimeout()) {
                    Long last = consumer.getConsumerRunnables().get(this);
                    long idle = System.currentTimeMillis() - (last == null ? 0 : last);
                    if (idle >= consumer.getConfiguration().getIdleTimeout()) {
                        mllpBuffer.resetSocket(clientSocket, "Connection idle for " + idle + " ms");
                    }
                }
            } else {
                frameTooSlow(); // a pause inside a frame: wait for more, up to the frame timeout
            }
            return false;
        } catch (MllpSocketException closed) {
            if (!mllpBuffer.isEmpty()) {
                CONNECTIONS.warn("Connection closed with {} bytes of an incomplete MLLP frame", mllpBuffer.size());
            }
            mllpBuffer.reset();
            mllpBuffer.resetSocket(clientSocket);
            return false;
        }
    }
}
