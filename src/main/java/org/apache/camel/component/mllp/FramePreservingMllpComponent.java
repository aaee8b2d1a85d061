package org.apache.camel.component.mllp;

import java.util.Map;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Processor;

/**
 * camel-mllp with fixes for what bit us (each pinned by a test with the stock component):
 * <ul>
 *   <li>several MLLP frames that arrive in one TCP read are each processed and acknowledged;</li>
 *   <li>a frame shorter than four bytes still gets its ACK (the stock consumer reads byte 3 of the inbound message
 *       when sending an ACK from the exchange, and resets the connection instead);</li>
 *   <li>the maximum frame size is applied (the component configuration's {@code maxBufferSize} is not copied to
 *       endpoints, and it is not an endpoint option);</li>
 *   <li>a frame must complete within a time limit, the first frame of a connection included (the stock
 *       "validation" read of the first frame is skipped).</li>
 * </ul>
 * <p>
 * The stock consumer ({@code TcpSocketConsumerRunnable}) treats every byte after the first frame's end block as
 * "trailing out-of-band data", logs it (with the patient data in it, whatever {@code logPhi} says) and throws it
 * away, so a PAS that pipelines two messages in one write loses the second one silently.
 * {@code StockMllpPipeliningTest} pins that behaviour; {@code FramePreservingConsumerRunnable} is the workaround.
 * <p>
 * Everything else (options, TLS, ACK delivery, idle handling) is camel-mllp's own code. The class lives in
 * camel-mllp's package because the consumer's executor and the runnable's state are package-private there.
 * Registered as the {@code mllp} component, so routes keep the ordinary {@code mllp:} URIs.
 */
public class FramePreservingMllpComponent extends MllpComponent {

    private long frameTimeoutMillis = 60_000;
    private int maxFrameBytes = 16 * 1024 * 1024;

    public int getMaxFrameBytes() {
        return maxFrameBytes;
    }

    /** Largest frame accepted; a larger one closes the connection. */
    public void setMaxFrameBytes(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    /** Longest time a frame may take from its start block to its end block (against senders trickling bytes). */
    public long getFrameTimeoutMillis() {
        return frameTimeoutMillis;
    }

    public void setFrameTimeoutMillis(long frameTimeoutMillis) {
        this.frameTimeoutMillis = frameTimeoutMillis;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        MllpEndpoint stock = (MllpEndpoint) super.createEndpoint(uri, remaining, parameters);
        MllpEndpoint endpoint = new MllpEndpoint(uri, this, stock.getConfiguration()) {
            @Override
            public Consumer createConsumer(Processor processor) throws Exception {
                Consumer consumer = new FramePreservingMllpConsumer(this, processor);
                configureConsumer(consumer);
                return consumer;
            }
        };
        endpoint.getConfiguration().setMaxBufferSize(maxFrameBytes); // MllpConfiguration.copy() leaves it out
        endpoint.setHostname(stock.getHostname());
        endpoint.setPort(stock.getPort());
        endpoint.setCharsetName(stock.getCharsetName());
        return endpoint;
    }
}
