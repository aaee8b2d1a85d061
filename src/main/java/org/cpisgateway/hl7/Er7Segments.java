package org.cpisgateway.hl7;

import ca.uhn.hl7v2.parser.EncodingCharacters;
import ca.uhn.hl7v2.parser.Escape;

/**
 * The segments of an ER7 (pipe-delimited) message read straight from its text, for the few fields the CP-IS check
 * needs, without building HAPI's model: a message the check reads in microseconds instead of the whole structure.
 * Values are unescaped with HAPI's own {@link Escape}. {@link #of} declines (null) anything but the plain case,
 * a message starting MSH with the four standard-length encoding characters and well-formed segment names, so that
 * everything else still goes through HAPI's parser and its answers.
 *
 * <p>Segments and fields are positions in the message's text, not copies of it: only the values asked for become
 * strings (a message is read once per attendance, so copying every segment and field was most of what reading it
 * allocated).
 *
 * <p>Hand-written rather than HAPI's parser on purpose: a measured hot path (every inbound message), pinned by its
 * golden cases.
 */
public final class Er7Segments {

    private final String text;
    /** Start and end (exclusive) of each segment in the text, empty ones included: segment k is 2k, 2k + 1. */
    private final int[] bounds;
    private final char field;
    private final char component;
    private final char repetition;
    private final char subcomponent;
    private final EncodingCharacters encoding;

    private Er7Segments(String text, int[] bounds, char field, String encodingCharacters) {
        this.text = text;
        this.bounds = bounds;
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
        int[] bounds = cuts(text, 0, text.length(), '\r');
        for (int k = 0; k < bounds.length; k += 2) {
            int from = bounds[k];
            int to = bounds[k + 1];
            if (to > from && (!startsWithCode(text, from, to) || (to - from > 3 && text.charAt(from + 3) != field))) {
                return null;
            }
        }
        return new Er7Segments(text, bounds, field, enc);
    }

    /**
     * The text starts with a code as HL7 writes segment names and trigger events: a capital letter, then two capitals
     * or digits.
     */
    public static boolean startsWithCode(String s) {
        return startsWithCode(s, 0, s.length());
    }

    private static boolean startsWithCode(String s, int from, int to) {
        if (to - from < 3) {
            return false;
        }
        for (int i = 0; i < 3; i++) {
            char c = s.charAt(from + i);
            if (!(c >= 'A' && c <= 'Z') && (i == 0 || !(c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    /** True when MSH-9-3 (the message structure) is empty or one of these. */
    public boolean structureIsOneOf(String... structures) {
        Segment msh = new Segment(bounds[0], bounds[1]);
        String structure = msh.fieldCount() > 8 ? part(msh.field(8), component, 2) : null;
        return structure == null || structure.isEmpty() || java.util.Arrays.asList(structures).contains(structure);
    }

    /** The first segment of that name, or null. */
    public Segment first(String name) {
        for (int k = 0; k < bounds.length; k += 2) {
            int from = bounds[k];
            int length = bounds[k + 1] - from;
            if (length >= name.length() && text.startsWith(name, from)
                    && (length == 3 || text.charAt(from + 3) == field)) {
                return new Segment(from, bounds[k + 1]);
            }
        }
        return null;
    }

    private static final int[] NONE = new int[0];

    /** One segment's fields (not MSH, whose first field is the separator itself). */
    public final class Segment implements SegmentFields {
        /** Start and end (exclusive) of each field in the text: field n is 2n, 2n + 1. */
        private final int[] fields;
        /** Per field, once asked for: start and end of each repetition, so that reading them all is linear. */
        private int[][] repetitionCuts;

        private Segment(int from, int to) {
            this.fields = cuts(text, from, to, field);
        }

        private int[] repetitionCuts(int n) {
            if (repetitionCuts == null) {
                repetitionCuts = new int[fieldCount()][];
            }
            int[] cuts = repetitionCuts[n];
            if (cuts == null) {
                cuts = fields[2 * n] == fields[2 * n + 1] ? NONE
                        : cuts(text, fields[2 * n], fields[2 * n + 1], repetition);
                repetitionCuts[n] = cuts;
            }
            return cuts;
        }

        private int fieldCount() {
            return fields.length / 2;
        }

        private String field(int n) {
            return text.substring(fields[2 * n], fields[2 * n + 1]);
        }

        @Override
        public int repetitions(int n) {
            return n >= fieldCount() ? 0 : repetitionCuts(n).length / 2;
        }

        @Override
        public String get(int n, int rep, int comp, int sub) {
            if (n >= fieldCount()) {
                return null;
            }
            int[] repetitions = repetitionCuts(n);
            if (rep < 0 || rep >= repetitions.length / 2) {
                return null;
            }
            long piece = piece(text, repetitions[2 * rep], repetitions[2 * rep + 1], component, comp - 1);
            piece = piece < 0 ? piece : piece(text, from(piece), to(piece), subcomponent, sub - 1);
            if (piece < 0) {
                return null;
            }
            String value = text.substring(from(piece), to(piece));
            if (value.isBlank()) {
                return null;
            }
            String unescaped = value.indexOf(encoding.getEscapeCharacter()) >= 0 ? Escape.unescape(value, encoding)
                    : value;
            return unescaped.isBlank() ? null : unescaped.trim();
        }
    }

    /**
     * Start and end (exclusive) of every piece of {@code text[from, to)} between separators, empty ones included, as
     * pairs: piece k is at 2k, 2k + 1.
     */
    private static int[] cuts(String text, int from, int to, char separator) {
        int[] cuts = new int[2 * (1 + count(text, from, to, separator))];
        int start = from;
        int k = 0;
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == separator) {
                cuts[k++] = start;
                cuts[k++] = i;
                start = i + 1;
            }
        }
        cuts[k++] = start;
        cuts[k] = to;
        return cuts;
    }

    /**
     * Piece {@code index} (from 0) of {@code text[from, to)} between separators, as its start (high half) and end
     * (low half), or -1 when there is none.
     */
    private static long piece(String text, int from, int to, char separator, int index) {
        int start = from;
        for (int i = 0; i < index; i++) {
            int next = indexOf(text, separator, start, to);
            if (next < 0) {
                return -1;
            }
            start = next + 1;
        }
        int end = indexOf(text, separator, start, to);
        return ((long) start << 32) | (end < 0 ? to : end);
    }

    /** How many {@code c} there are in {@code text[from, to)}. */
    private static int count(String text, int from, int to, char c) {
        int count = 0;
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == c) {
                count++;
            }
        }
        return count;
    }

    /** The first {@code c} in {@code text[from, to)}, or -1: a miss does not search on to the message's end. */
    private static int indexOf(String text, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    private static int from(long piece) {
        return (int) (piece >>> 32);
    }

    private static int to(long piece) {
        return (int) piece;
    }

    /** Piece {@code index} (from 0) of the value between separators; null when there is none. */
    static String part(String value, char separator, int index) {
        if (value == null) {
            return null;
        }
        long piece = piece(value, 0, value.length(), separator, index);
        return piece < 0 ? null : value.substring(from(piece), to(piece));
    }

    /** Every piece between separators, empty ones included (String.split would compile a pattern each time). */
    static String[] split(String text, char separator) {
        int[] cuts = cuts(text, 0, text.length(), separator);
        String[] parts = new String[cuts.length / 2];
        for (int k = 0; k < parts.length; k++) {
            parts[k] = text.substring(cuts[2 * k], cuts[2 * k + 1]);
        }
        return parts;
    }
}
