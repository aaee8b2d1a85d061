package org.cpisgateway.hl7;

import ca.uhn.hl7v2.preparser.PreParser;

/**
 * The inbound MSH fields an ACK needs, read with HAPI's {@link PreParser} so that even a message that cannot be parsed
 * gets an ACK addressed to its sender. Values are raw (still encoded with the inbound delimiters).
 */
public record MshHeader(char fieldSeparator, String encodingCharacters, String sendingApplication,
                        String sendingFacility, String receivingApplication, String receivingFacility,
                        String messageType, String triggerEvent, String controlId, String processingId,
                        String version, String characterSet) {

    public static final String DEFAULT_ENCODING = "^~\\&";

    /** What we know of a message whose MSH cannot be read at all. */
    public static MshHeader unreadable() {
        return new MshHeader('|', DEFAULT_ENCODING, "", "", "", "", "", "", "", "P", "", "");
    }

    public static MshHeader read(String message) {
        if (message == null) {
            return unreadable();
        }
        String text = message.stripLeading();
        int start = text.indexOf("MSH");
        if (start < 0 || text.length() < start + 8) {
            return unreadable();
        }
        text = text.substring(start);
        char fs = text.charAt(3);
        String enc = encodingCharacters(text, fs);
        if (enc == null) {
            return new MshHeader('|', DEFAULT_ENCODING, "", "", "", "", "", "", "", "P", "", "");
        }
        String messageType = "";
        String triggerEvent = "";
        String processingId = "";
        String version = "";
        String characterSet = "";
        try {
            String[] f = PreParser.getFields(text, "MSH-9-1", "MSH-9-2", "MSH-11-1", "MSH-12-1", "MSH-18");
            messageType = nz(f[0]);
            triggerEvent = nz(f[1]);
            processingId = nz(f[2]);
            version = nz(f[3]);
            characterSet = nz(f[4]);
        } catch (Exception unreadable) {
            // keep what the raw split gives: an ACK can still be addressed
        }
        return new MshHeader(fs, enc, rawField(text, fs, 3), rawField(text, fs, 4), rawField(text, fs, 5),
                rawField(text, fs, 6), messageType, triggerEvent, rawField(text, fs, 10),
                processingId.isEmpty() ? "P" : processingId, version, characterSet);
    }

    /** MSH-2 when it is 4 or 5 distinct non-alphanumeric characters (2.7 adds the truncation character), else null. */
    private static String encodingCharacters(String text, char fs) {
        if (Character.isLetterOrDigit(fs) || Character.isWhitespace(fs)) {
            return null;
        }
        int end = text.indexOf(fs, 4);
        if (end < 0) {
            return null;
        }
        String enc = text.substring(4, end);
        if (enc.length() < 4 || enc.length() > 5 || enc.chars().distinct().count() != enc.length()
                || enc.chars().anyMatch(c -> Character.isLetterOrDigit(c) || Character.isWhitespace(c) || c == fs)) {
            return null;
        }
        return enc;
    }

    /** The raw text of MSH-n (n >= 3), up to the segment end. */
    static String rawField(String text, char fs, int n) {
        int segmentEnd = text.length();
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\r' || text.charAt(i) == '\n') {
                segmentEnd = i;
                break;
            }
        }
        String msh = text.substring(0, segmentEnd);
        String[] fields = msh.split(java.util.regex.Pattern.quote(String.valueOf(fs)), -1);
        // fields[0] = "MSH", fields[1] = MSH-2, so MSH-n is fields[n - 1]
        return n - 1 < fields.length ? fields[n - 1] : "";
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** Sending facility's first component (the ODS code), for keys and mappings. */
    public String sendingFacilityCode() {
        return firstComponent(sendingFacility);
    }

    public String firstComponent(String raw) {
        if (raw == null || raw.isEmpty() || encodingCharacters.isEmpty()) {
            return raw == null ? "" : raw;
        }
        int i = raw.indexOf(encodingCharacters.charAt(0));
        return i < 0 ? raw : raw.substring(0, i);
    }

    /** Duplicate-suppression key: facility + control ID, or null when either is missing. */
    public String dedupeKey() {
        String facility = sendingFacilityCode();
        if (facility.isEmpty() || controlId.isEmpty()) {
            return null;
        }
        return facility + "|" + controlId;
    }
}
