package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mllp.MllpComponent;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

/**
 * Pins the camel-mllp behaviour that {@code FramePreservingMllpComponent} works around: with the stock component, two
 * MLLP frames arriving in one TCP write get one ACK (the second message is discarded as "out-of-band data"), and a
 * frame shorter than four bytes gets no ACK at all when the route supplies the ACK. When a test here fails after a
 * Camel upgrade, upstream has fixed that part and the matching workaround can go.
 */
class StockMllpPipeliningTest extends CamelTestSupport {

    private final int port = TestPorts.free();
    private final int ackPort = TestPorts.free();

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                MllpComponent stock = new MllpComponent();
                stock.setLogPhi(false);
                getContext().addComponent("stockmllp", stock);
                from("stockmllp:127.0.0.1:" + ackPort + "?autoAck=false").routeId("stock-own-ack")
                        .setProperty("CamelMllpAcknowledgement", constant(
                                "MSH|^~\\&|A|B|C|D|||ACK|1|P|2.4\rMSA|AR|\r".getBytes(StandardCharsets.US_ASCII)));
                from("stockmllp:127.0.0.1:" + port + "?autoAck=true").routeId("stock").to("mock:received");
            }
        };
    }

    /** The stock consumer reads byte 3 of the inbound frame when it sends the route's own ACK. */
    @Test
    void stockCamelMllpSendsNoAckForAFrameShorterThanFourBytes() throws Exception {
        assertThat(Mllp.exchange(ackPort, Mllp.frame("MSH|x".getBytes(StandardCharsets.US_ASCII)), 1,
                StandardCharsets.US_ASCII, 3000)).hasSize(1);
        assertThat(Mllp.exchange(ackPort, Mllp.frame("MSH".getBytes(StandardCharsets.US_ASCII)), 1,
                StandardCharsets.US_ASCII, 3000)).isEmpty();
    }

    @Test
    void stockCamelMllpDropsTheSecondOfTwoFramesInOneWrite() throws Exception {
        ByteArrayOutputStream twoFrames = new ByteArrayOutputStream();
        twoFrames.write(Mllp.frame(Hl7Messages.a04("FIRST", "9990000069").getBytes(StandardCharsets.UTF_8)));
        twoFrames.write(Mllp.frame(Hl7Messages.a04("SECOND", "9990000069").getBytes(StandardCharsets.UTF_8)));

        List<String> acks = Mllp.exchange(port, twoFrames.toByteArray(), 2, StandardCharsets.UTF_8, 3000);

        assertThat(acks).hasSize(1);
        assertThat(getMockEndpoint("mock:received").getReceivedCounter()).isEqualTo(1);
    }
}
