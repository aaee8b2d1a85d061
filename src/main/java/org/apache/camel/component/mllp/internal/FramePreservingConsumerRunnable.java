package org.apache.camel.component.mllp.internal;

import java.net.Socket;
import java.net.SocketTimeoutException;

import org.apache.camel.component.mllp.MllpSocketException;
import org.apache.camel.component.mllp.MllpTcpServerConsumer;

/**
 * Reads one connection frame by frame. Unlike the stock loop, bytes that follow a complete frame in the same read are
 * put back into the buffer and become the next frame, so pipelined messages each get processed and acknowledged in
 * order. Payload bytes are never logged here: only counts.
 */
public class FramePreservingConsumerRunnable extends TcpSocketConsumerRunnable {

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
                if (!mllpBuffer.hasCompleteEnvelope()) {
                    if (!mllpBuffer.hasStartOfBlock() && !mllpBuffer.isEmpty()) {
                        log.warn("Discarding {} bytes received outside any MLLP frame", mllpBuffer.size());
                        mllpBuffer.reset();
                    }
                    continue;
                }
                if (mllpBuffer.hasLeadingOutOfBandData()) {
                    log.warn("Discarding {} bytes received before an MLLP start block",
                            mllpBuffer.getLeadingOutOfBandData().length);
                }
                byte[] payload = mllpBuffer.toMllpPayload();
                byte[] following = mllpBuffer.getTrailingOutOfBandData();
                mllpBuffer.reset();
                consumer.processMessage(payload, this);
                // processMessage used the buffer to send the ACK; start the next frame from what followed this one
                mllpBuffer.reset();
                mllpBuffer.write(following);
            }
        } catch (Exception unexpected) {
            log.error("Unexpected failure on an MLLP connection: {}", unexpected.getClass().getName());
        } finally {
            consumer.getConsumerRunnables().remove(this);
            Thread.currentThread().setName(originalThreadName);
            mllpBuffer.resetSocket(clientSocket);
        }
    }

    /** @return false when nothing usable was read (timeout or closed connection) */
    private boolean readMore() {
        try {
            mllpBuffer.readFrom(clientSocket);
            return true;
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
                int size = mllpBuffer.size();
                mllpBuffer.resetSocket(clientSocket);
                mllpBuffer.reset();
                log.warn("Closed a connection that sent {} bytes of an incomplete MLLP frame within the receive timeout",
                        size);
            }
            return false;
        } catch (MllpSocketException closed) {
            if (!mllpBuffer.isEmpty()) {
                log.warn("Connection closed with {} bytes of an incomplete MLLP frame", mllpBuffer.size());
            }
            mllpBuffer.reset();
            mllpBuffer.resetSocket(clientSocket);
            return false;
        }
    }
}
