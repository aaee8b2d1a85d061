package org.cpisgateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** What the metrics read from an encoded ACK and an event code, without a route. */
class GatewayMetricsTest {

    private static byte[] ack(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void theAckCodeIsMsaOneOfTheEncodedAck() {
        assertThat(GatewayMetrics.ackCode(ack("MSH|^~\\&|GW|X|PAS|RIV|20300101||ACK^A04|1|P|2.4\rMSA|AA|C1\r")))
                .isEqualTo("AA");
        assertThat(GatewayMetrics.ackCode(ack("MSH|^~\\&|GW\rMSA|AE|C1\rERR|||207\r"))).isEqualTo("AE");
        assertThat(GatewayMetrics.ackCode(ack("MSH#^~\\&#GW\rMSA#AR#C1\r"))).isEqualTo("AR");
        assertThat(GatewayMetrics.ackCode(ack("MSH|^~\\&|GW\rMSA|XX|C1\r"))).isEqualTo("other");
    }

    @Test
    void noUsableMsaIsNone() {
        assertThat(GatewayMetrics.ackCode(null)).isEqualTo("none");
        assertThat(GatewayMetrics.ackCode(ack("MSH|"))).isEqualTo("none");
        assertThat(GatewayMetrics.ackCode(ack("MSH|^~\\&|GW\rMSA|A"))).isEqualTo("none");
        assertThat(GatewayMetrics.ackCode(ack("MSH|^~\\&|GW\rMSA#AA|C1\r"))).isEqualTo("none");
    }

    @Test
    void anEventCodeIsALetterThenTwoLettersOrDigits() {
        assertThat(GatewayMetrics.isEventCode("A04")).isTrue();
        assertThat(GatewayMetrics.isEventCode("Z99")).isTrue();
        assertThat(GatewayMetrics.isEventCode("a04")).isFalse();
        assertThat(GatewayMetrics.isEventCode("404")).isFalse();
        assertThat(GatewayMetrics.isEventCode("A0")).isFalse();
        assertThat(GatewayMetrics.isEventCode("A04X")).isFalse();
        assertThat(GatewayMetrics.isEventCode("A-4")).isFalse();
    }
}
