package org.cpisgateway.bench;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mllp.FramePreservingMllpComponent;
import org.apache.camel.main.Main;

/**
 * The benchmark's baseline: a bare camel-mllp route that only acknowledges (camel-mllp's own auto-ACK), on the same
 * MLLP component the gateway uses (so pipelined frames are not dropped). Argument: the port.
 */
public final class BareMllpServer {

    private BareMllpServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Main main = new Main();
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                FramePreservingMllpComponent mllp = new FramePreservingMllpComponent();
                mllp.setLogPhi(false);
                getContext().addComponent("mllp", mllp);
                from("mllp:127.0.0.1:" + port + "?autoAck=true&maxConcurrentConsumers=64&reuseAddress=true")
                        .routeId("bare-ack").log(org.apache.camel.LoggingLevel.TRACE, "bare", "ack");
            }
        });
        main.run();
    }
}
