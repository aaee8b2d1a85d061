package org.cpisgateway.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.camel.component.hl7.HL7Charset;
import org.junit.jupiter.api.Test;

/**
 * The frame's text: decoded once for the plain case, through HAPI's pre-parser (as camel-hl7 does) for the rest; the
 * two must give the same text, and what the pre-parser refuses is still refused.
 */
class InboundFrameTest {

    private final InboundFrame frames = new InboundFrame(StandardCharsets.ISO_8859_1);

    /** What the text was before the plain case skipped the pre-parser. */
    private static String throughPreParser(byte[] raw, Charset charset) throws Exception {
        byte[] body = InboundFrame.withCrSegmentEnds(raw);
        return new String(body, HL7Charset.getCharsetName(body, charset.name()));
    }

    @Test
    void theTextIsWhatThePreParserGaveForEveryKindOfFrame() throws Exception {
        String pid = "PID|1||9990000018^^^NHS^NH||TESTCHILD^ZO\u00c9||20150302|2";
        List<byte[]> frames = List.of(
                ("MSH|^~\\&|PAS|R9Z01|CPIS|CPIS|20261122||ADT^A04|1|P|2.4\r" + pid + "\r")
                        .getBytes(StandardCharsets.ISO_8859_1),
                ("MSH|^~\\&|PAS|R9Z01|CPIS|CPIS|20261122||ADT^A04|2|P|2.4||||||UNICODE UTF-8\r" + pid + "\r")
                        .getBytes(StandardCharsets.UTF_8),
                ("MSH|^~\\&|PAS|R9Z01|CPIS|CPIS|20261122||ADT^A04|3|P|2.4||||||8859/1\r\n" + pid + "\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1),
                // repeated MSH-18, other separators, a segment whose fourth character is not the field separator
                ("MSH|^~\\&|PAS|R9Z01|CPIS|CPIS|20261122||ADT^A04|4|P|2.4||||||UNICODE UTF-8~8859/1\r" + pid + "\r")
                        .getBytes(StandardCharsets.UTF_8),
                ("MSH#!@$%#PAS#R9Z01#CPIS#CPIS#20261122##ADT!A04#5#P#2.4\rPID#1##9990000018\r")
                        .getBytes(StandardCharsets.ISO_8859_1),
                ("MSH|^~\\&|PAS|R9Z01|CPIS|CPIS|20261122||ADT^A04|6|P|2.4\rZX\r" + pid + "\r")
                        .getBytes(StandardCharsets.ISO_8859_1));
        for (byte[] raw : frames) {
            InboundFrame.Frame frame = this.frames.open(raw);
            assertThat(frame.text()).isEqualTo(throughPreParser(raw, frame.charset()));
        }
        byte[] utf8 = frames.get(1);
        assertThat(this.frames.open(utf8).text()).contains("TESTCHILD^ZO\u00c9");
    }

    @Test
    void aFrameThePreParserRefusesIsStillRefused() {
        byte[] shortMsh = "MSH|^~\\&\rPID|1||9990000018\r".getBytes(StandardCharsets.ISO_8859_1);
        InboundFrame.Frame frame = frames.open(shortMsh);
        assertThatThrownBy(frame::text).isInstanceOf(ca.uhn.hl7v2.HL7Exception.class);
    }
}
