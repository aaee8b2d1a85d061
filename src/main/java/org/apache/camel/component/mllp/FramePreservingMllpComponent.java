package org.apache.camel.component.mllp;

import java.util.Map;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Processor;

/**
 * camel-mllp with one fix: several MLLP frames that arrive in one TCP read are each processed and acknowledged.
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
        endpoint.setHostname(stock.getHostname());
        endpoint.setPort(stock.getPort());
        endpoint.setCharsetName(stock.getCharsetName());
        return endpoint;
    }
}
