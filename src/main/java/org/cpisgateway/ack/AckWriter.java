package org.cpisgateway.ack;

import java.nio.charset.Charset;
import java.time.OffsetDateTime;
import java.time.ZoneId;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.parser.DefaultEscaping;
import ca.uhn.hl7v2.parser.EncodingCharacters;
import ca.uhn.hl7v2.parser.Escaping;

import org.cpisgateway.core.AccessRecord;
import org.cpisgateway.core.CheckResult;
import org.cpisgateway.core.Plan;
import org.cpisgateway.hl7.Hl7Time;
import org.cpisgateway.hl7.MshHeader;
import org.cpisgateway.core.Authority;
import org.cpisgateway.core.Authorities;

/**
 * Builds the ACK returned to the PAS: MSH with sender and receiver swapped, {@code ACK^<event>^ACK}, the inbound
 * version and delimiters, a new control ID; MSA; ERR when something went wrong; then the CP-IS result in ZCS, one ZCP
 * per active plan and one ZCA per earlier access (fields documented in docs/ack.md).
 * Written as text rather than through HAPI's message model and encoder, on purpose: a measured hot path (an ACK per
 * message), pinned byte for byte by its golden cases.
 */
public class AckWriter {

    private final Escaping escaping = new DefaultEscaping();
    private final Authorities authorities;
    private final java.util.function.Supplier<String> controlIds;
    private final String applicationName;
    private final String defaultVersion;
    private final ZoneId zone;
    private final java.time.Clock clock;

    public AckWriter(Authorities authorities, String applicationName, String defaultVersion, java.time.Clock clock) {
        this(authorities, applicationName, defaultVersion, clock, AckWriter::newControlId);
    }

    /** @param controlIds MSH-10 of each ACK (a fresh random id each; tests with golden files give a sequence) */
    public AckWriter(Authorities authorities, String applicationName, String defaultVersion, java.time.Clock clock,
                     java.util.function.Supplier<String> controlIds) {
        this.controlIds = controlIds;
        this.clock = clock;
        this.zone = clock.getZone();
        this.authorities = authorities;
        this.applicationName = applicationName;
        this.defaultVersion = defaultVersion;
    }

    /** The ACK for a message that was checked (or deliberately not checked): AA with the CP-IS result. */
    public String forResult(MshHeader msh, CheckResult result) {
        try {
            return build(msh, "AA", result, null);
        } catch (HL7Exception unusableHeader) {
            throw new IllegalStateException("MSH cannot be echoed in an ACK", unusableHeader);
        }
    }

    /** An AE or AR with ERR; {@code result} (may be null) adds a ZCS, e.g. NOT_CHECKED when the store is down. */
    public String forError(MshHeader msh, String ackCode, AckError error, CheckResult result) {
        try {
            return build(msh, ackCode, result, error);
        } catch (HL7Exception | RuntimeException unusable) {
            // the inbound header itself cannot be echoed: answer with a plain header
            try {
                return build(MshHeader.unreadable(), ackCode, result, error);
            } catch (HL7Exception impossible) {
                throw new IllegalStateException(impossible);
            }
        }
    }

    /** The ACK as bytes in the character set the message came in. */
    public byte[] encode(String ack, Charset charset) {
        return ack.getBytes(charset == null ? java.nio.charset.StandardCharsets.UTF_8 : charset);
    }

    /** An ACK as text for a person: one segment a line. */
    public String readable(byte[] ack, Charset charset) {
        return new String(ack, charset == null ? java.nio.charset.StandardCharsets.UTF_8 : charset).replace('\r', '\n');
    }

    /** An event code the ACK may echo: 1 to 7 ASCII letters or digits. */
    static boolean isEvent(String event) {
        if (event.isEmpty() || event.length() > 7) {
            return false;
        }
        for (int i = 0; i < event.length(); i++) {
            char c = event.charAt(i);
            if (!(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }

    /** A version the ACK may echo: a digit, then up to ten digits or dots. */
    static boolean isVersion(String version) {
        if (version.isEmpty() || version.length() > 11 || version.charAt(0) < '0' || version.charAt(0) > '9') {
            return false;
        }
        for (int i = 1; i < version.length(); i++) {
            char c = version.charAt(i);
            if (!(c >= '0' && c <= '9') && c != '.') {
                return false;
            }
        }
        return true;
    }

    String build(MshHeader in, String ackCode, CheckResult result, AckError error) throws HL7Exception {
        EncodingCharacters enc = encodingOf(in);
        String event = isEvent(in.triggerEvent()) ? in.triggerEvent() : "";
        String version = isVersion(in.version()) ? in.version() : defaultVersion;
        StringBuilder ack = new StringBuilder(512);
        // MSH: the inbound header fields are copied raw (they are already encoded with the same delimiters)
        ack.append("MSH").append(enc.getFieldSeparator()).append(in.encodingCharacters());
        Segment msh = new Segment(enc, ack, "MSH", 2);
        msh.raw(3, in.receivingApplication().isEmpty() ? escape(applicationName, enc) : in.receivingApplication());
        msh.raw(4, in.receivingFacility());
        msh.raw(5, in.sendingApplication());
        msh.raw(6, in.sendingFacility());
        msh.set(7, Hl7Time.format(OffsetDateTime.now(clock)));
        if (event.isEmpty()) {
            msh.set(9, "ACK");
        } else {
            msh.set(9, "ACK", event, "ACK");
        }
        msh.set(10, controlIds.get());
        msh.set(11, in.processingId());
        msh.set(12, version);
        msh.end();
        Segment msa = new Segment(enc, ack, "MSA", 0);
        msa.set(1, ackCode);
        msa.raw(2, in.controlId());
        if (error != null) {
            msa.set(3, error.text());
        }
        msa.end();
        if (error != null) {
            String field = error.field() > 0 ? String.valueOf(error.field()) : "";
            String code = String.valueOf(error.code());
            Segment err = new Segment(enc, ack, "ERR", 0);
            // ERR-1 (ELD) for 2.3/2.4 receivers, ERR-2/3/4/8 for 2.5 and later
            char cs = enc.getComponentSeparator();
            err.raw(1, escape(error.segment(), enc) + cs + "1" + cs + field + cs
                    + err.encode(new String[] {code, error.codeText(), "HL70357"}, enc.getSubcomponentSeparator()));
            err.set(2, error.segment(), "1", field);
            err.set(3, code, error.codeText(), "HL70357");
            err.set(4, "E");
            err.set(8, error.text());
            err.end();
        }
        if (result != null) {
            writeResult(enc, ack, result);
        }
        return ack.toString();
    }

    private void writeResult(EncodingCharacters enc, StringBuilder ack, CheckResult result) {
        Segment zcs = new Segment(enc, ack, "ZCS", 0);
        zcs.set(1, result.status().name());
        zcs.set(2, result.summary());
        zcs.set(3, result.reasonCode());
        zcs.set(4, String.valueOf(result.plans().size()));
        zcs.set(5, result.authoritiesToNotify().isEmpty() ? "NONE" : "QUEUED");
        if (result.setting() != null) {
            zcs.set(6, result.setting().code(), result.setting().name(), result.setting().type());
            zcs.set(7, result.setting().scheduled() ? "S" : "U");
        }
        if (result.pattern() != null) {
            // a pattern no single setting sees: kind^what the clerk reads^count^days
            zcs.set(8, result.pattern().kind().name(), "Pattern: " + result.pattern().summary(),
                    String.valueOf(result.pattern().count()), String.valueOf(result.pattern().days()));
        }
        zcs.end();
        for (Plan plan : result.plans()) {
            Authority authority = authorities.find(plan.authorityCode());
            Segment zcp = new Segment(enc, ack, "ZCP", 0);
            zcp.set(1, plan.type().name());
            zcp.set(2, plan.type().snomedCode(), plan.type().snomedDisplay(), "SCT");
            zcp.set(3, Hl7Time.format(plan.startDate()));
            zcp.set(4, Hl7Time.format(plan.endDate()));
            zcp.set(5, authority.code());
            zcp.set(6, authority.name());
            zcp.set(7, authority.officeHoursPhone());
            zcp.set(8, authority.emergencyDutyPhone());
            zcp.end();
        }
        for (AccessRecord access : result.history()) {
            Segment zca = new Segment(enc, ack, "ZCA", 0);
            zca.set(1, Hl7Time.format(access.accessedAt().atZoneSameInstant(zone).toOffsetDateTime()));
            zca.set(2, access.settingCode());
            zca.set(3, access.settingName());
            zca.set(4, access.settingType());
            zca.end();
        }
    }

    private static EncodingCharacters encodingOf(MshHeader in) throws HL7Exception {
        String chars = in.encodingCharacters();
        if (chars == null || chars.length() < 4) {
            throw new HL7Exception("MSH-2 has fewer than 4 encoding characters");
        }
        return new EncodingCharacters(in.fieldSeparator(), chars);
    }

    /**
     * One segment written field by field, in increasing field order, ended by CR. {@code set} escapes each component
     * with HAPI's escaping and leaves out empty trailing components and fields, as HAPI's own encoder does;
     * {@code raw} copies a value that is already encoded with the same delimiters (an inbound MSH field).
     */
    private final class Segment {
        private final EncodingCharacters enc;
        private final StringBuilder out;
        private int written;

        /** Starts segment {@code name}; for MSH, whose first two fields the caller wrote, {@code written} is 2. */
        Segment(EncodingCharacters enc, StringBuilder out, String name, int written) {
            this.enc = enc;
            this.out = out;
            this.written = written;
            if (written == 0) {
                out.append(name);
            }
        }

        void raw(int field, String encoded) {
            if (encoded != null && !encoded.isEmpty()) {
                moveTo(field);
                out.append(encoded);
            }
        }

        /** Field {@code field}: its components escaped, written straight into the message (nothing when all empty). */
        void set(int field, String... components) {
            int last = lastNonEmpty(components);
            if (last >= 0) {
                moveTo(field);
                append(components, last, enc.getComponentSeparator(), out);
            }
        }

        String encode(String[] parts, char separator) {
            StringBuilder value = new StringBuilder();
            append(parts, lastNonEmpty(parts), separator, value);
            return value.toString();
        }

        private int lastNonEmpty(String[] parts) {
            int last = parts.length - 1;
            while (last >= 0 && (parts[last] == null || parts[last].isEmpty())) {
                last--;
            }
            return last;
        }

        private void append(String[] parts, int last, char separator, StringBuilder to) {
            for (int i = 0; i <= last; i++) {
                if (i > 0) {
                    to.append(separator);
                }
                if (parts[i] != null) {
                    to.append(escape(parts[i], enc));
                }
            }
        }

        private void moveTo(int field) {
            while (written < field) {
                out.append(enc.getFieldSeparator());
                written++;
            }
        }

        void end() {
            out.append('\r');
        }
    }

    /**
     * HAPI's escaping of a value, which most values (codes, names, times) do not need: one that holds only printable
     * ASCII and none of the delimiters is returned as it is, without HAPI's look-ups (held equal to HAPI by a test).
     */
    String escape(String value, EncodingCharacters enc) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e || c == enc.getFieldSeparator() || c == enc.getComponentSeparator()
                    || c == enc.getRepetitionSeparator() || c == enc.getEscapeCharacter()
                    || c == enc.getSubcomponentSeparator() || c == enc.getTruncationCharacter()) {
                return escaping.escape(value, enc);
            }
        }
        return value;
    }

    /** 64 random bits in hex: unique enough for MSH-10, and no SecureRandom (a lock shared by every connection). */
    private static String newControlId() {
        return "CPIS" + java.util.HexFormat.of().toHexDigits(java.util.concurrent.ThreadLocalRandom.current().nextLong());
    }
}
