package org.cpisgateway.hl7;

/**
 * The inbound MSH fields an ACK needs, read from the MSH segment's text alone so that even a message that cannot be
 * parsed gets an ACK addressed to its sender. Values are raw (still encoded with the inbound delimiters); the typed
 * ones (MSH-9's components, MSH-11, MSH-12, MSH-18) are the first repetition's component, first subcomponent, as
 * HAPI's {@code PreParser} reads them (a test holds the two equal over the golden files and the public corpus).
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
        String[] fields = mshFields(text, fs);
        String processingId = part(field(fields, 11), enc, 1);
        return new MshHeader(fs, enc, field(fields, 3), field(fields, 4), field(fields, 5), field(fields, 6),
                part(field(fields, 9), enc, 1), part(field(fields, 9), enc, 2), field(fields, 10),
                processingId.isEmpty() ? "P" : processingId, part(field(fields, 12), enc, 1),
                part(field(fields, 18), enc, 1));
    }

    /** The MSH segment split at the field separator: [0] = "MSH", [1] = MSH-2, so MSH-n is [n - 1]. */
    private static String[] mshFields(String text, char fs) {
        int segmentEnd = text.length();
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\r' || text.charAt(i) == '\n') {
                segmentEnd = i;
                break;
            }
        }
        return Er7Segments.split(text.substring(0, segmentEnd), fs);
    }

    private static String field(String[] fields, int n) {
        return n - 1 < fields.length ? fields[n - 1] : "";
    }

    /** Component {@code n} (from 1) of the field's first repetition, its first subcomponent ("" when absent). */
    private static String part(String field, String enc, int n) {
        String repetition = Er7Segments.part(field, enc.charAt(1), 0);
        String value = Er7Segments.part(Er7Segments.part(repetition, enc.charAt(0), n - 1), enc.charAt(3), 0);
        return value == null ? "" : value;
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
        if (enc.length() < 4 || enc.length() > 5) {
            return null;
        }
        for (int i = 0; i < enc.length(); i++) {
            char c = enc.charAt(i);
            if (Character.isLetterOrDigit(c) || Character.isWhitespace(c) || c == fs || enc.indexOf(c) != i) {
                return null; // a letter, digit, space, the field separator, or a character twice
            }
        }
        return enc;
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
