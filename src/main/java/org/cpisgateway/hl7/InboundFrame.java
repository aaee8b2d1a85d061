package org.cpisgateway.hl7;

import java.nio.charset.Charset;

import org.apache.camel.component.hl7.HL7Charset;

/**
 * First step for every frame: keeps the raw bytes, works out the character set (MSH-18, else the configured default,
 * with camel-hl7's table of HL7 character set names) and reads the MSH header so that whatever happens next can be
 * answered.
 */
public class InboundFrame {

    /**
     * A frame as received: its raw bytes (kept exactly, for the journal and replays), the character set it is in and
     * its MSH header. {@link #text()} is the message for the parser.
     */
    public record Frame(byte[] raw, Charset charset, MshHeader msh) {

        /**
         * The message decoded in its character set, segments ended by CR as HAPI expects. The character set is
         * confirmed with camel-hl7's {@link HL7Charset} (HAPI's pre-parser reading MSH-18), as camel-hl7's own data
         * format does: a frame that is not HL7 v2 fails here with the pre-parser's short message, which never quotes
         * the message (HAPI's parser would put its first 50 characters, patient data, in the AR and the journal).
         * The plain case skips the pre-parser ({@code plainEr7}).
         * <p>
         * HL7 v2's XML encoding is refused here, before any XML parser sees it: the gateway reads ER7 only, and HAPI's
         * pre-parser reads XML with DTDs and external entities allowed, so an XML frame with a DOCTYPE from a sender
         * nobody authenticated could make the gateway fetch addresses and read files of its host
         * ({@code ExternalEntityTest}, docs/library-issues.md).
         */
        public String text() throws ca.uhn.hl7v2.HL7Exception, java.io.UnsupportedEncodingException {
            byte[] body = withCrSegmentEnds(raw);
            String text = new String(body, charset);
            if (looksLikeXml(text)) {
                throw new MessageRejectedException(102, "MSH", 0, XML_REFUSED);
            }
            if (plainEr7(text)) {
                return text; // what the pre-parser would find: ER7, and MSH-18 (read in open) already applied
            }
            // only what goes on to the pre-parser: whatever it would read as XML (HAPI's own test, which builds an
            // exception for every message it declines, so it is kept off the plain path)
            if (ca.uhn.hl7v2.parser.EncodingDetector.isXmlEncoded(text)) {
                throw new MessageRejectedException(102, "MSH", 0, XML_REFUSED);
            }
            return new String(body, HL7Charset.getCharsetName(body, charset.name()));
        }

        /**
         * The common case, answered without the pre-parser (which decodes and tokenises the whole message again):
         * HAPI's own test says it is ER7, MSH-2 is the four encoding characters, and MSH-18 is one value. Anything
         * else goes to the pre-parser, which gives its answer or its short error as before.
         */
        private boolean plainEr7(String text) {
            return text.length() > 8 && text.charAt(8) == text.charAt(3)
                    && msh.characterSet().indexOf(text.charAt(5)) < 0
                    && ca.uhn.hl7v2.parser.EncodingDetector.isEr7Encoded(text);
        }
    }

    public static final String XML_REFUSED =
            "XML-encoded HL7 v2 is not accepted: this interface takes the ER7 (pipe-delimited) encoding";

    /** A frame whose first character other than white space, NUL or a byte order mark opens an XML tag. */
    static boolean looksLikeXml(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '<') {
                return true;
            }
            if (!Character.isWhitespace(c) && c != '\uFEFF' && c != '\u0000') {
                return false;
            }
        }
        return false;
    }

    private final Charset defaultCharset;

    public InboundFrame(Charset defaultCharset) {
        this.defaultCharset = defaultCharset;
    }

    public Frame open(byte[] raw) {
        if (raw == null) {
            raw = new byte[0];
        }
        // only the MSH segment is decoded here: with the default charset, again with MSH-18's if that differs
        int[] segment = mshSegment(raw);
        MshHeader msh = MshHeader.read(new String(raw, segment[0], segment[1] - segment[0], defaultCharset));
        Charset charset = charsetOf(msh);
        if (!charset.equals(defaultCharset)) {
            msh = MshHeader.read(new String(raw, segment[0], segment[1] - segment[0], charset));
        }
        return new Frame(raw, charset, msh);
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
