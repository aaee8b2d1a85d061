package org.cpisgateway.bench;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mllp.FramePreservingMllpComponent;
import org.apache.camel.main.Main;

/**
 * The benchmark's baseline: a bare camel-mllp route that only acknowledges, with a fixed ACK (camel-mllp's own
 * auto-ACK cannot answer the workload's malformed messages), on the same MLLP component the gateway uses (so
 * pipelined frames are not dropped). Argument: the port.
 */
public final class BareMllpServer {

    /** The fixed ACK every baseline answers with. */
    static final byte[] ACK = "MSH|^~\\&|BARE|BARE|||20261122||ACK|1|P|2.4\rMSA|AA|1\r"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private BareMllpServer() {
    }

    /** The gateway's MLLP component, registered as "mllp" (every baseline listens on it). */
    static void useGatewayMllp(CamelContext context) {
        FramePreservingMllpComponent mllp = new FramePreservingMllpComponent();
        mllp.setLogPhi(false);
        context.addComponent("mllp", mllp);
    }

    /** The listener every baseline uses: the ACK is the route's to give (a property it sets), not camel-mllp's. */
    static String listener(int port) {
        return "mllp:127.0.0.1:" + port + "?autoAck=false&hl7Headers=false&maxConcurrentConsumers=64&reuseAddress=true";
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Main main = new Main();
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                useGatewayMllp(getContext());
                from(listener(port)).routeId("bare-ack").setProperty("CamelMllpAcknowledgement", constant(ACK));
            }
        });
        main.run();
    }
}
