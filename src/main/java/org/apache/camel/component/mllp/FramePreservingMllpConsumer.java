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
        FramePreservingMllpComponent limits = (FramePreservingMllpComponent) getEndpoint().getComponent();
        java.net.InetAddress from = clientSocket.getInetAddress();
        long fromSameAddress = consumerRunnables.keySet().stream()
                .filter(r -> from != null && from.equals(r.getSocket().getInetAddress())).count();
        if (fromSameAddress >= limits.getMaxConnectionsPerAddress()) {
            limits.closed("per-address");
            CONNECTIONS.warn("Refusing a connection from {}: it already has {} connections open "
                    + "(cpis.mllp.max-connections-per-address)", from, fromSameAddress);
            mllpBuffer.resetSocket(clientSocket);
            return;
        }
        boolean evicted = consumerRunnables.size() >= getConfiguration().getMaxConcurrentConsumers()
                && closeLongestIdle(limits);
        TcpSocketConsumerRunnable client = new FramePreservingConsumerRunnable(this, clientSocket, mllpBuffer, hl7Util, logPhi);
        consumerRunnables.put(client, System.currentTimeMillis());
        if (!submit(client, evicted ? 40 : 1)) {
            consumerRunnables.remove(client);
            limits.closed("connections-full");
            CONNECTIONS.warn("Refusing a connection from {}: all {} connection slots are busy (cpis.mllp.max-connections)",
                    clientSocket.getRemoteSocketAddress(), getConfiguration().getMaxConcurrentConsumers());
            mllpBuffer.resetSocket(clientSocket);
        }
    }

    /**
     * With every slot taken, closes the connection that has been idle longest, if it has been idle for
     * {@code evictIdleAfterMillis}: a PAS reconnects when it next has a message, and idle connections can no longer
     * keep every PAS out for the idle time-out.
     */
    private boolean closeLongestIdle(FramePreservingMllpComponent limits) {
        long threshold = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(limits.getEvictIdleAfterMillis());
        return consumerRunnables.keySet().stream()
                .filter(FramePreservingConsumerRunnable.class::isInstance)
                .map(FramePreservingConsumerRunnable.class::cast)
                .filter(r -> r.idleNanos() >= threshold)
                .max(java.util.Comparator.comparingLong(FramePreservingConsumerRunnable::idleNanos))
                .map(idle -> {
                    limits.closed("evicted-idle");
                    CONNECTIONS.info("Closing a connection idle for {} ms to make room for a new one (all {} slots "
                            + "taken)", java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(idle.idleNanos()),
                            getConfiguration().getMaxConcurrentConsumers());
                    idle.closeSocket();
                    return true;
                }).orElse(false);
    }

    /** Hands the connection to a thread; a slot just freed by an eviction may take a moment to come back. */
    private boolean submit(TcpSocketConsumerRunnable client, int attempts) {
        for (int attempt = 1; ; attempt++) {
            try {
                consumerExecutor.submit(client);
                getEndpoint().updateLastConnectionEstablishedTicks();
                return true;
            } catch (RejectedExecutionException full) {
                if (attempt >= attempts) {
                    return false;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(25_000_000L); // the evicted connection's thread ends
            }
        }
    }
}
