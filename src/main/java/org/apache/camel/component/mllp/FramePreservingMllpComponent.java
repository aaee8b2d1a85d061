package org.apache.camel.component.mllp;

import java.util.Map;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Processor;
import org.apache.camel.component.mllp.internal.FrameMemory;

/**
 * camel-mllp with fixes for what bit us (each pinned by a test with the stock component):
 * <ul>
 *   <li>several MLLP frames that arrive in one TCP read are each processed and acknowledged;</li>
 *   <li>a frame shorter than four bytes still gets its ACK (the stock consumer reads byte 3 of the inbound message
 *       when sending an ACK from the exchange, and resets the connection instead);</li>
 *   <li>the maximum frame size is applied (the component configuration's {@code maxBufferSize} is not copied to
 *       endpoints, and it is not an endpoint option);</li>
 *   <li>a frame must complete within a time limit counted from its start block, however slowly its bytes come, the
 *       first frame of a connection included (the stock "validation" read of the first frame is skipped);</li>
 *   <li>frames in progress share one memory budget ({@code FrameMemory}), and one source address may hold only so
 *       many of the connection slots; when every slot is taken, the connection idle longest makes room.</li>
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
    private FrameMemory frameMemory = new FrameMemory(64L * 1024 * 1024);
    private int maxConnectionsPerAddress = 32;
    private long evictIdleAfterMillis = 30_000;
    private final java.util.Map<String, java.util.concurrent.atomic.LongAdder> closed =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** What frames in progress may hold together, beyond a small buffer per connection. */
    public FrameMemory frameMemory() {
        return frameMemory;
    }

    public void setFrameMemoryBytes(long bytes) {
        this.frameMemory = new FrameMemory(bytes);
    }

    public int getMaxConnectionsPerAddress() {
        return maxConnectionsPerAddress;
    }

    /** Connections one source address may hold at once; one more is refused. */
    public void setMaxConnectionsPerAddress(int maxConnectionsPerAddress) {
        this.maxConnectionsPerAddress = maxConnectionsPerAddress;
    }

    public long getEvictIdleAfterMillis() {
        return evictIdleAfterMillis;
    }

    /** With every slot taken, a new connection closes the one idle longest if it has been idle this long. */
    public void setEvictIdleAfterMillis(long evictIdleAfterMillis) {
        this.evictIdleAfterMillis = evictIdleAfterMillis;
    }

    /** Counts a connection closed or refused by a limit ({@code reason}: frame-timeout, idle, per-address, ...). */
    public void closed(String reason) {
        closed.computeIfAbsent(reason, r -> new java.util.concurrent.atomic.LongAdder()).increment();
    }

    /** Connections closed or refused so far, by reason. */
    public java.util.Map<String, Long> closedByReason() {
        java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        closed.forEach((reason, n) -> counts.put(reason, n.sum()));
        return counts;
    }

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
