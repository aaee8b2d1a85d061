package org.cpisgateway.hl7;

import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.util.Terser;

import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.parser.Parser;
import org.cpisgateway.core.Attendance;
import org.cpisgateway.core.NhsNumber;
import org.cpisgateway.mapping.NhsNumberLocations;

/**
 * Reads an {@link Attendance} from a parsed HL7 message: the NHS number (where the sending facility puts it), the
 * child's name, date of birth and sex, patient class, location and attendance time. Rejects (AR) anything that is
 * not ADT.
 */
public class AttendanceReader {

    /**
     * The events read straight from the text: those whose message structure (ADT_A01, ADT_A05) has PID, PV1 and EVN
     * at its top level, where the first segment of each name in the text is the one HAPI's model holds.
     */
    static final Set<String> TEXT_EVENTS = Set.of("A01", "A04", "A08", "A13", "A05", "A14", "A28", "A31");

    /** OID of the NHS number as an assigning authority (HL7 UK). */
    static final String NHS_NUMBER_OID = "2.16.840.1.113883.2.1.4.1";

    /** How many repetitions of a field the NHS number is read from are read, unless set otherwise. */
    public static final int DEFAULT_MAX_REPETITIONS = 100;

    private final NhsNumberLocations locations;
    private final ZoneId zone;
    private final Parser parser;
    private final int maxRepetitions;

    public AttendanceReader(NhsNumberLocations locations, ZoneId zone, HapiContext hapi) {
        this(locations, zone, hapi, DEFAULT_MAX_REPETITIONS);
    }

    /**
     * @param maxRepetitions a message whose NHS number field (PID-3, or where the sender puts it) repeats more often
     *                       is refused (AR) before its repetitions are read ({@code cpis.mllp.max-field-repetitions})
     */
    public AttendanceReader(NhsNumberLocations locations, ZoneId zone, HapiContext hapi, int maxRepetitions) {
        this.locations = locations;
        this.zone = zone;
        this.parser = hapi.getPipeParser();
        this.maxRepetitions = maxRepetitions;
    }

    /** The whole message in HAPI's model (v2.5 structures for every version); HL7Exception when it is not HL7 v2. */
    public Message parse(String text) throws HL7Exception {
        return parser.parse(text);
    }

    /**
     * Turns away what this interface does not take before any parsing: batch envelopes, and anything but ADT. Needs
     * only the MSH that {@link InboundFrame} read.
     */
    public void requireAdt(MshHeader msh, byte[] raw) {
        String start = new String(raw, 0, Math.min(raw.length, 16), java.nio.charset.StandardCharsets.ISO_8859_1).strip();
        if (start.startsWith("FHS") || start.startsWith("BHS")) {
            throw new MessageRejectedException(200, start.substring(0, 3), 0,
                    "Batch envelopes (FHS/BHS) are not accepted over MLLP: send one message per frame");
        }
        if (!msh.messageType().isEmpty() && !"ADT".equalsIgnoreCase(msh.messageType())) {
            throw new MessageRejectedException(200, "MSH", 9,
                    "Unsupported message type '" + msh.messageType() + "': this interface takes ADT messages only");
        }
    }

    /**
     * Which field the NHS number was read from for this sender (PID-3, PID-2, PID-4 or PID-19, as
     * mappings/nhs-number-locations.csv lists them), or null when none of them holds one: for feed assurance.
     */
    public String nhsNumberField(Message message, MshHeader msh) {
        SegmentFields pid = fields(segment(new Terser(message), "PID"));
        for (String field : locations.fieldsFor(msh.sendingFacilityCode())) {
            if (NhsNumber.normalise(findNhsNumber(pid, Integer.parseInt(field.substring(4)), field.equals("PID-3")))
                    != null) {
                return field;
            }
        }
        return null;
    }

    /** The attendance in a message parsed by HAPI. */
    public Attendance read(Message message, MshHeader msh) {
        requireAdtType(msh);
        Terser terser = new Terser(message);
        return read(fields(segment(terser, "PID")), fields(segment(terser, "PV1")), fields(segment(terser, "EVN")),
                msh);
    }

    /**
     * The attendance read straight from the message text, without HAPI's model, for the plain case (standard
     * encoding characters, well-formed segments, a PID); null when the text is not that case, and HAPI's parser
     * reads it instead ({@link #parse}, {@link #read(Message, MshHeader)}). Both give the same attendance
     * ({@code AttendanceReaderTest}).
     */
    public Attendance readText(String text, MshHeader msh) {
        requireAdtType(msh);
        if (!TEXT_EVENTS.contains(msh.triggerEvent().toUpperCase(Locale.ROOT))) {
            return null; // other structures (A40's patient groups, A45's merge groups) are HAPI's to read
        }
        Er7Segments segments = Er7Segments.of(text);
        if (segments == null || !segments.structureIsOneOf("ADT_A01", "ADT_A05")) {
            return null;
        }
        Er7Segments.Segment pid = segments.first("PID");
        if (pid == null) {
            return null;
        }
        return read(pid, segments.first("PV1"), segments.first("EVN"), msh);
    }

    private static void requireAdtType(MshHeader msh) {
        if (!"ADT".equalsIgnoreCase(msh.messageType())) {
            throw new MessageRejectedException(200, "MSH", 9,
                    "Unsupported message type '" + msh.messageType() + "': this interface takes ADT messages only");
        }
    }

    private Attendance read(SegmentFields pid, SegmentFields pv1, SegmentFields evn, MshHeader msh) {

        String nhsNumber = null;
        for (String field : locations.fieldsFor(msh.sendingFacilityCode())) {
            requireFewRepetitions(pid, Integer.parseInt(field.substring(4)));
        }
        for (String field : locations.fieldsFor(msh.sendingFacilityCode())) {
            nhsNumber = NhsNumber.normalise(findNhsNumber(pid, Integer.parseInt(field.substring(4)), field.equals("PID-3")));
            if (nhsNumber != null) {
                break;
            }
        }
        String problem = NhsNumber.problem(nhsNumber);
        if (problem == null && distinctNhsNumbers(pid, 3).size() > 1) {
            // two NHS numbers for one patient: either may be wrong, and the wrong one would show another child
            problem = "conflicting NHS numbers in PID-3 (two different numbers marked NHS); the sender must correct "
                    + "the record";
        }
        if (problem != null) {
            nhsNumber = null;
        }

        OffsetDateTime attendanceTime = firstTime(get(pv1, 44, 0, 1), get(evn, 2, 0, 1), get(evn, 6, 0, 1));
        String dob = get(pid, 7, 0, 1);
        return new Attendance(msh.sendingFacilityCode(), eventCode(msh, evn), nhsNumber, problem, get(pid, 32, 0, 1),
                get(pid, 5, 0, 1), given(pid), dob == null ? null : Hl7Time.parseDate(dob), get(pid, 8, 0, 1),
                get(pv1, 2, 0, 1), get(pv1, 3, 0, 1), attendanceTime, get(pv1, 19, 0, 1), get(pid, 3, 0, 1));
    }

    /** Refuses a field with more repetitions than any real sender uses, before they are read one by one. */
    private void requireFewRepetitions(SegmentFields pid, int field) {
        int repetitions = repetitions(pid, field);
        if (repetitions > maxRepetitions) {
            throw new MessageRejectedException(102, "PID", field, "PID-" + field + " repeats " + repetitions
                    + " times, more than the " + maxRepetitions + " the gateway reads (cpis.mllp.max-field-repetitions)");
        }
    }

    private static String eventCode(MshHeader msh, SegmentFields evn) {
        String event = msh.triggerEvent();
        if (event.isEmpty()) {
            event = get(evn, 1, 0, 1); // HL7 2.1/2.2 put the event in EVN-1 only
        }
        return event == null ? "" : event.toUpperCase(Locale.ROOT);
    }

    private OffsetDateTime firstTime(String... candidates) {
        for (String c : candidates) {
            OffsetDateTime t = Hl7Time.parse(c, zone);
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    private static String given(SegmentFields pid) {
        String given = get(pid, 5, 0, 2);
        String middle = get(pid, 5, 0, 3);
        if (given == null) {
            return middle;
        }
        return middle == null ? given : given + " " + middle;
    }

    /**
     * The NHS number in a CX field: the repetition whose assigning authority is NHS (or the NHS number OID) or whose
     * identifier type is NH. Fields other than PID-3 fall back to their first repetition (old feeds put a bare number
     * there); PID-19 is a plain string.
     */
    /** Every valid NHS number the field's repetitions mark as one (by assigning authority, OID or type NH). */
    static java.util.Set<String> distinctNhsNumbers(SegmentFields pid, int field) {
        java.util.Set<String> numbers = new java.util.TreeSet<>();
        if (pid == null) {
            return numbers;
        }
        for (int rep = 0; rep < repetitions(pid, field); rep++) {
            String authority = get(pid, field, rep, 4);
            String authorityOid = getSub(pid, field, rep, 4, 2);
            String type = get(pid, field, rep, 5);
            if ("NHS".equalsIgnoreCase(authority) || NHS_NUMBER_OID.equals(authorityOid) || "NH".equalsIgnoreCase(type)) {
                String number = NhsNumber.normalise(get(pid, field, rep, 1));
                if (number != null && NhsNumber.problem(number) == null) {
                    numbers.add(number);
                }
            }
        }
        return numbers;
    }

    static String findNhsNumber(SegmentFields pid, int field, boolean strict) {
        if (pid == null) {
            return null;
        }
        int reps = repetitions(pid, field);
        for (int rep = 0; rep < reps; rep++) {
            String authority = get(pid, field, rep, 4);
            String authorityOid = getSub(pid, field, rep, 4, 2);
            String type = get(pid, field, rep, 5);
            if ("NHS".equalsIgnoreCase(authority) || NHS_NUMBER_OID.equals(authorityOid) || "NH".equalsIgnoreCase(type)) {
                return get(pid, field, rep, 1);
            }
        }
        return strict || reps == 0 ? null : get(pid, field, 0, 1);
    }

    private static Segment segment(Terser terser, String name) {
        try {
            return terser.getSegment("/." + name);
        } catch (HL7Exception | RuntimeException absent) {
            return null;
        }
    }

    private static int repetitions(SegmentFields segment, int field) {
        return segment == null ? 0 : segment.repetitions(field);
    }

    static String get(SegmentFields segment, int field, int rep, int component) {
        return getSub(segment, field, rep, component, 1);
    }

    static String getSub(SegmentFields segment, int field, int rep, int component, int sub) {
        if (segment == null || rep >= segment.repetitions(field)) {
            return null;
        }
        return segment.get(field, rep, component, sub);
    }

    /** A segment of HAPI's model as {@link SegmentFields} (null stays null). */
    static SegmentFields fields(Segment segment) {
        return segment == null ? null : new SegmentFields() {
            /** HAPI copies a field's repetitions into a new array at each getField: counted once per field. */
            private final java.util.Map<Integer, Integer> counts = new java.util.HashMap<>();

            @Override
            public int repetitions(int field) {
                return counts.computeIfAbsent(field, f -> {
                    try {
                        return f <= segment.numFields() ? segment.getField(f).length : 0;
                    } catch (HL7Exception | RuntimeException e) {
                        return 0;
                    }
                });
            }

            @Override
            public String get(int field, int rep, int component, int sub) {
                try {
                    String value = Terser.get(segment, field, rep, component, sub);
                    return value == null || value.isBlank() ? null : value.trim();
                } catch (HL7Exception | RuntimeException e) {
                    return null;
                }
            }
        };
    }

    /** Events named in {@code cpis.events} (comma-separated), upper case. */
    public static Set<String> events(String property) {
        return Set.copyOf(List.of(property.toUpperCase(Locale.ROOT).split("\\s*,\\s*")));
    }
}
