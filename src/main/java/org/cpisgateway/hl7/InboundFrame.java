package org.cpisgateway.hl7;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
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

    public InboundFrame(Charset defaultCharset) {
        this.defaultCharset = defaultCharset;
    }

    public void open(Exchange exchange) {
        byte[] raw = exchange.getMessage().getBody(byte[].class);
        if (raw == null) {
            raw = new byte[0];
        }
        exchange.setProperty(RAW, raw);
        exchange.setProperty(RECEIVED_AT, OffsetDateTime.now(ZoneOffset.UTC));
        Charset charset = charsetOf(raw);
        exchange.setProperty(CHARSET, charset);
        exchange.setProperty(Exchange.CHARSET_NAME, charset.name());
        exchange.setProperty(MSH, MshHeader.read(new String(raw, charset)));
        exchange.getMessage().setBody(withCrSegmentEnds(raw));
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

    Charset charsetOf(byte[] raw) {
        try {
            return Charset.forName(HL7Charset.getCharsetName(raw, defaultCharset.name()));
        } catch (Exception unreadable) {
            return defaultCharset;
        }
    }

    public static Charset utf8() {
        return StandardCharsets.UTF_8;
    }
}
