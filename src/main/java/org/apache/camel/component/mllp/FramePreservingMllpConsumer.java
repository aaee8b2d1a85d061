package org.apache.camel.component.mllp;

import java.net.Socket;
import java.util.concurrent.RejectedExecutionException;

import org.apache.camel.Processor;
import org.apache.camel.component.mllp.internal.FramePreservingConsumerRunnable;
import org.apache.camel.component.mllp.internal.MllpSocketBuffer;
import org.apache.camel.component.mllp.internal.TcpSocketConsumerRunnable;

/** The stock MLLP server consumer, starting {@link FramePreservingConsumerRunnable} for each connection. */
public class FramePreservingMllpConsumer extends MllpTcpServerConsumer {

    public FramePreservingMllpConsumer(MllpEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
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
            log.warn("Refusing a connection from {}: all {} connection slots are busy (cpis.mllp.max-connections)",
                    clientSocket.getRemoteSocketAddress(), getConfiguration().getMaxConcurrentConsumers());
            mllpBuffer.resetSocket(clientSocket);
        }
    }
}
