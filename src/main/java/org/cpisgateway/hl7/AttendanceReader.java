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

    /** OID of the NHS number as an assigning authority (HL7 UK). */
    static final String NHS_NUMBER_OID = "2.16.840.1.113883.2.1.4.1";

    private final NhsNumberLocations locations;
    private final ZoneId zone;
    private final Parser parser;

    public AttendanceReader(NhsNumberLocations locations, ZoneId zone, HapiContext hapi) {
        this.locations = locations;
        this.zone = zone;
        this.parser = hapi.getPipeParser();
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
        Segment pid = segment(new Terser(message), "PID");
        for (String field : locations.fieldsFor(msh.sendingFacilityCode())) {
            if (NhsNumber.normalise(findNhsNumber(pid, Integer.parseInt(field.substring(4)), field.equals("PID-3")))
                    != null) {
                return field;
            }
        }
        return null;
    }

    public Attendance read(Message message, MshHeader msh) {
        if (!"ADT".equalsIgnoreCase(msh.messageType())) {
            throw new MessageRejectedException(200, "MSH", 9,
                    "Unsupported message type '" + msh.messageType() + "': this interface takes ADT messages only");
        }
        Terser terser = new Terser(message);
        Segment pid = segment(terser, "PID");
        Segment pv1 = segment(terser, "PV1");
        Segment evn = segment(terser, "EVN");

        String nhsNumber = null;
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

    private static String eventCode(MshHeader msh, Segment evn) {
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

    private static String given(Segment pid) {
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
    static java.util.Set<String> distinctNhsNumbers(Segment pid, int field) {
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

    static String findNhsNumber(Segment pid, int field, boolean strict) {
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

    private static int repetitions(Segment segment, int field) {
        try {
            return field <= segment.numFields() ? segment.getField(field).length : 0;
        } catch (HL7Exception | RuntimeException e) {
            return 0;
        }
    }

    static String get(Segment segment, int field, int rep, int component) {
        return getSub(segment, field, rep, component, 1);
    }

    static String getSub(Segment segment, int field, int rep, int component, int sub) {
        if (segment == null || rep >= repetitions(segment, field)) {
            return null;
        }
        try {
            String value = Terser.get(segment, field, rep, component, sub);
            return value == null || value.isBlank() ? null : value.trim();
        } catch (HL7Exception | RuntimeException e) {
            return null;
        }
    }

    /** Events named in {@code cpis.events} (comma-separated), upper case. */
    public static Set<String> events(String property) {
        return Set.copyOf(List.of(property.toUpperCase(Locale.ROOT).split("\\s*,\\s*")));
    }
}
