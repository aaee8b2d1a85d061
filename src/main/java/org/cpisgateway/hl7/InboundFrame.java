package org.cpisgateway.hl7;

import java.nio.charset.Charset;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.apache.camel.Exchange;
import org.apache.camel.component.hl7.HL7Charset;

/**
 * First step for every frame: keeps the raw bytes, notes the receive time, works out the character set (MSH-18, else
 * the configured default) and reads the MSH header so that whatever happens next can be answered.
 */
public class InboundFrame {

    public static final String RAW = "cpisRaw";
    public static final String RECEIVED_AT = "cpisReceivedAt";
    public static final String MSH = "cpisMsh";
    public static final String CHARSET = "cpisCharset";

    private final Charset defaultCharset;

    private final java.time.Clock clock;

    public InboundFrame(Charset defaultCharset, java.time.Clock clock) {
        this.defaultCharset = defaultCharset;
        this.clock = clock;
    }

    public void open(Exchange exchange) {
        org.cpisgateway.ops.CorrelationId.clear();
        byte[] raw = exchange.getMessage().getBody(byte[].class);
        if (raw == null) {
            raw = new byte[0];
        }
        exchange.setProperty(RAW, raw);
        exchange.setProperty(RECEIVED_AT, OffsetDateTime.now(clock.withZone(ZoneOffset.UTC)));
        // only the MSH segment is decoded here: with the default charset, again with MSH-18's if that differs
        int[] segment = mshSegment(raw);
        MshHeader msh = MshHeader.read(new String(raw, segment[0], segment[1] - segment[0], defaultCharset));
        Charset charset = charsetOf(msh);
        if (!charset.equals(defaultCharset)) {
            msh = MshHeader.read(new String(raw, segment[0], segment[1] - segment[0], charset));
        }
        exchange.setProperty(CHARSET, charset);
        exchange.setProperty(Exchange.CHARSET_NAME, charset.name());
        exchange.setProperty(MSH, msh);
        org.cpisgateway.ops.CorrelationId.set(msh);
        exchange.getMessage().setBody(withCrSegmentEnds(raw));
    }

    /** Start and end of the first segment that begins with MSH (also inside a batch envelope), else of the first. */
    static int[] mshSegment(byte[] raw) {
        int first = -1;
        for (int i = 0; i < raw.length; ) {
            while (i < raw.length && (raw[i] == '\r' || raw[i] == '\n')) {
                i++;
            }
            int end = i;
            while (end < raw.length && raw[end] != '\r' && raw[end] != '\n') {
                end++;
            }
            if (end - i >= 3 && raw[i] == 'M' && raw[i + 1] == 'S' && raw[i + 2] == 'H') {
                return new int[] {i, end};
            }
            if (first < 0) {
                first = i;
            }
            i = end;
        }
        int start = Math.max(0, Math.min(first, raw.length));
        int end = start;
        while (end < raw.length && raw[end] != '\r' && raw[end] != '\n') {
            end++;
        }
        return new int[] {start, end};
    }

    /**
     * HAPI splits segments on CR only; feeds also send LF or CRLF. The raw bytes are kept as received, the parser gets
     * CR. (Byte-level, so safe for ASCII-compatible character sets: ASCII, 8859/n, UTF-8.)
     */
    static byte[] withCrSegmentEnds(byte[] raw) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(raw.length);
        for (int i = 0; i < raw.length; i++) {
            byte b = raw[i];
            if (b == '\r' && i + 1 < raw.length && raw[i + 1] == '\n') {
                continue; // CRLF: the LF below becomes the CR
            }
            out.write(b == '\n' ? '\r' : b);
        }
        return out.toByteArray();
    }

    /** MSH-18 mapped as camel-hl7 maps it (ASCII, 8859/n, UNICODE UTF-8, ...); the default when empty or unknown. */
    Charset charsetOf(MshHeader msh) {
        HL7Charset named = HL7Charset.getHL7Charset(msh.characterSet());
        try {
            return named == null ? defaultCharset : Charset.forName(named.getJavaCharsetName());
        } catch (RuntimeException unsupported) {
            return defaultCharset;
        }
    }
}
