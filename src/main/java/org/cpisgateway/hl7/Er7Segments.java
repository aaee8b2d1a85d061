package org.cpisgateway.hl7;

import ca.uhn.hl7v2.parser.EncodingCharacters;
import ca.uhn.hl7v2.parser.Escape;

/**
 * The segments of an ER7 (pipe-delimited) message read straight from its text, for the few fields the CP-IS check
 * needs, without building HAPI's model: a message the check reads in microseconds instead of the whole structure.
 * Values are unescaped with HAPI's own {@link Escape}. {@link #of} declines (null) anything but the plain case,
 * a message starting MSH with the four standard-length encoding characters and well-formed segment names, so that
 * everything else still goes through HAPI's parser and its answers.
 */
public final class Er7Segments {

    private final String[] segments;
    private final char field;
    private final char component;
    private final char repetition;
    private final char subcomponent;
    private final EncodingCharacters encoding;

    private Er7Segments(String[] segments, char field, String encodingCharacters) {
        this.segments = segments;
        this.field = field;
        this.component = encodingCharacters.charAt(0);
        this.repetition = encodingCharacters.charAt(1);
        this.subcomponent = encodingCharacters.charAt(3);
        this.encoding = new EncodingCharacters(field, encodingCharacters);
    }

    /** The message's segments, or null when it is not the plain case this reader takes (HAPI reads it instead). */
    public static Er7Segments of(String text) {
        if (text == null || !text.startsWith("MSH") || text.length() < 9) {
            return null;
        }
        char field = text.charAt(3);
        int end = text.indexOf(field, 4);
        if (end != 8) {
            return null; // MSH-2 is not exactly four encoding characters
        }
        String enc = text.substring(4, 8);
        for (int i = 0; i < 4; i++) {
            char c = enc.charAt(i);
            if (c == field || enc.indexOf(c) != i || Character.isLetterOrDigit(c) || c < 0x21 || c > 0x7e) {
                return null; // the field separator, a character twice, a letter, digit, space or not ASCII
            }
        }
        String[] segments = split(text, '\r');
        for (String s : segments) {
            if (!s.isEmpty() && (!startsWithCode(s) || (s.length() > 3 && s.charAt(3) != field))) {
                return null;
            }
        }
        return new Er7Segments(segments, field, enc);
    }

    /**
     * The text starts with a code as HL7 writes segment names and trigger events: a capital letter, then two capitals
     * or digits.
     */
    public static boolean startsWithCode(String s) {
        if (s.length() < 3) {
            return false;
        }
        for (int i = 0; i < 3; i++) {
            char c = s.charAt(i);
            if (!(c >= 'A' && c <= 'Z') && (i == 0 || !(c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    /** True when MSH-9-3 (the message structure) is empty or one of these. */
    public boolean structureIsOneOf(String... structures) {
        String[] msh = split(segments[0], field);
        String structure = msh.length > 8 ? part(msh[8], component, 2) : null;
        return structure == null || structure.isEmpty() || java.util.Arrays.asList(structures).contains(structure);
    }

    /** The first segment of that name, or null. */
    public Segment first(String name) {
        for (String s : segments) {
            if (s.startsWith(name) && (s.length() == 3 || s.charAt(3) == field)) {
                return new Segment(s);
            }
        }
        return null;
    }

    /** One segment's fields (not MSH, whose first field is the separator itself). */
    public final class Segment implements SegmentFields {
        private final String[] fields;

        private Segment(String text) {
            this.fields = split(text, field);
        }

        @Override
        public int repetitions(int n) {
            return n >= fields.length || fields[n].isEmpty() ? 0 : split(fields[n], repetition).length;
        }

        @Override
        public String get(int n, int rep, int comp, int sub) {
            if (n >= fields.length) {
                return null;
            }
            String value = part(part(part(fields[n], repetition, rep), component, comp - 1), subcomponent, sub - 1);
            if (value == null || value.isBlank()) {
                return null;
            }
            String unescaped = value.indexOf(encoding.getEscapeCharacter()) >= 0 ? Escape.unescape(value, encoding)
                    : value;
            return unescaped.isBlank() ? null : unescaped.trim();
        }
    }

    /** Piece {@code index} (from 0) of the value between separators; null when there is none. */
    static String part(String value, char separator, int index) {
        if (value == null) {
            return null;
        }
        int start = 0;
        for (int i = 0; i < index; i++) {
            int next = value.indexOf(separator, start);
            if (next < 0) {
                return null;
            }
            start = next + 1;
        }
        int end = value.indexOf(separator, start);
        return end < 0 ? value.substring(start) : value.substring(start, end);
    }

    /** Every piece between separators, empty ones included (String.split would compile a pattern each time). */
    static String[] split(String text, char separator) {
        int count = 1;
        for (int i = text.indexOf(separator); i >= 0; i = text.indexOf(separator, i + 1)) {
            count++;
        }
        String[] parts = new String[count];
        int start = 0;
        for (int k = 0; k < count - 1; k++) {
            int end = text.indexOf(separator, start);
            parts[k] = text.substring(start, end);
            start = end + 1;
        }
        parts[count - 1] = text.substring(start);
        return parts;
    }
}
