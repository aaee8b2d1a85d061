package org.apache.camel.component.mllp;

import java.net.Socket;
import java.util.concurrent.RejectedExecutionException;

import org.apache.camel.Processor;
import org.apache.camel.component.mllp.internal.FramePreservingConsumerRunnable;
import org.apache.camel.component.mllp.internal.MllpSocketBuffer;
import org.apache.camel.component.mllp.internal.TcpSocketConsumerRunnable;

/** The stock MLLP server consumer, starting {@link FramePreservingConsumerRunnable} for each connection. */
public class FramePreservingMllpConsumer extends MllpTcpServerConsumer {

    /** Connection events without payload; camel-mllp's own loggers are set to ERROR because they log payloads. */
    private static final org.slf4j.Logger CONNECTIONS = org.slf4j.LoggerFactory.getLogger("org.cpisgateway.mllp");

    public FramePreservingMllpConsumer(MllpEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
    }

    /**
     * The stock consumer first hands a new connection to a "validation" thread that reads the first frame itself
     * (outside the frame-size and frame-time limits, on an unbounded thread pool, logging out-of-band bytes with their
     * content, and leaving the socket open when the first frame is too large). Here the connection goes straight to
     * {@link FramePreservingConsumerRunnable}, which applies the limits to every frame including the first.
     */
    @Override
    public void validateConsumer(Socket clientSocket) {
        startConsumer(clientSocket, new MllpSocketBuffer(getEndpoint()));
    }

    /** The stock code reads byte 3 of the inbound message here: give it at least four bytes (only it sees them). */
    @Override
    void sendAcknowledgement(byte[] original, org.apache.camel.Exchange exchange, TcpSocketConsumerRunnable runnable) {
        byte[] safe = original != null && original.length >= 4 ? original
                : java.util.Arrays.copyOf(original == null ? new byte[0] : original, 4);
        super.sendAcknowledgement(safe, exchange, runnable);
    }

    /** True while the accept thread runs (the listener takes new connections). */
    public boolean isListening() {
        return acceptThread != null && acceptThread.isAlive();
    }

    /** Connections open now. */
    public int openConnections() {
        return consumerRunnables.size();
    }

    @Override
    public void startConsumer(Socket clientSocket, MllpSocketBuffer mllpBuffer) {
        TcpSocketConsumerRunnable client = new FramePreservingConsumerRunnable(this, clientSocket, mllpBuffer, hl7Util, logPhi);
        consumerRunnables.put(client, System.currentTimeMillis());
        try {
            consumerExecutor.submit(client);
            getEndpoint().updateLastConnectionEstablishedTicks();
        } catch (RejectedExecutionException full) {
            consumerRunnables.remove(client);
            CONNECTIONS.warn("Refusing a connection from {}: all {} connection slots are busy (cpis.mllp.max-connections)",
                    clientSocket.getRemoteSocketAddress(), getConfiguration().getMaxConcurrentConsumers());
            mllpBuffer.resetSocket(clientSocket);
        }
    }
}
