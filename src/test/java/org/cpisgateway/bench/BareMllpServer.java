package org.cpisgateway.bench;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mllp.FramePreservingMllpComponent;
import org.apache.camel.main.Main;

/**
 * The benchmark's baseline: a bare camel-mllp route that only acknowledges, with a fixed ACK (camel-mllp's own
 * auto-ACK cannot answer the workload's malformed messages), on the same MLLP component the gateway uses (so
 * pipelined frames are not dropped). Argument: the port.
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
                byte[] ack = "MSH|^~\\&|BARE|BARE|||20261122||ACK|1|P|2.4\rMSA|AA|1\r"
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                from("mllp:127.0.0.1:" + port + "?autoAck=false&hl7Headers=false&maxConcurrentConsumers=64&reuseAddress=true")
                        .routeId("bare-ack").setProperty("CamelMllpAcknowledgement", constant(ack));
            }
        });
        main.run();
    }
}
