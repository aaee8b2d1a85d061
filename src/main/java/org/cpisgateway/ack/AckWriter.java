package org.cpisgateway.ack;

import java.nio.charset.Charset;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.UUID;
import java.util.regex.Pattern;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.Parser;
import ca.uhn.hl7v2.util.Terser;

import org.apache.camel.ExchangeProperty;
import org.cpisgateway.check.AccessRecord;
import org.cpisgateway.check.CheckResult;
import org.cpisgateway.check.Plan;
import org.cpisgateway.hl7.Hl7Time;
import org.cpisgateway.hl7.MshHeader;
import org.cpisgateway.mapping.Authority;
import org.cpisgateway.mapping.AuthorityDirectory;

/**
 * Builds the ACK returned to the PAS: MSH with sender and receiver swapped, {@code ACK^<event>^ACK}, the inbound
 * version and delimiters, a new control ID; MSA; ERR when something went wrong; then the CP-IS result in ZCS, one ZCP
 * per active plan and one ZCA per earlier access (fields documented in README).
 */
public class AckWriter {

    private static final Pattern EVENT = Pattern.compile("[A-Za-z0-9]{1,7}");
    private static final Pattern VERSION = Pattern.compile("[0-9][0-9.]{0,10}");

    private final Parser parser;
    private final AuthorityDirectory authorities;
    private final String applicationName;
    private final String defaultVersion;
    private final ZoneId zone;

    public AckWriter(HapiContext hapi, AuthorityDirectory authorities, String applicationName, String defaultVersion,
                     ZoneId zone) {
        this.parser = hapi.getPipeParser();
        this.authorities = authorities;
        this.applicationName = applicationName;
        this.defaultVersion = defaultVersion;
        this.zone = zone;
    }

    /** The ACK for a message that was checked (or deliberately not checked): AA with the CP-IS result. */
    public String forResult(@ExchangeProperty("cpisMsh") MshHeader msh,
                            @ExchangeProperty("cpisResult") CheckResult result) throws HL7Exception {
        return build(msh, "AA", result, null);
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
    public byte[] encode(String ack, @ExchangeProperty("cpisCharset") Charset charset) {
        return ack.getBytes(charset == null ? java.nio.charset.StandardCharsets.UTF_8 : charset);
    }

    /** An ACK as text for a person: one segment a line. */
    public String readable(byte[] ack, @ExchangeProperty("cpisCharset") Charset charset) {
        return new String(ack, charset == null ? java.nio.charset.StandardCharsets.UTF_8 : charset).replace('\r', '\n');
    }

    String build(MshHeader in, String ackCode, CheckResult result, AckError error) throws HL7Exception {
        String fs = String.valueOf(in.fieldSeparator());
        char cs = in.encodingCharacters().charAt(0);
        String event = EVENT.matcher(in.triggerEvent()).matches() ? in.triggerEvent() : "";
        String version = VERSION.matcher(in.version()).matches() ? in.version() : defaultVersion;
        String msh9 = event.isEmpty() ? "ACK" : "ACK" + cs + event + cs + "ACK";
        String skeleton = String.join(fs, "MSH", in.encodingCharacters(),
                in.receivingApplication().isEmpty() ? applicationName : in.receivingApplication(),
                in.receivingFacility(), in.sendingApplication(), in.sendingFacility(),
                Hl7Time.format(OffsetDateTime.now(zone)), "", msh9, newControlId(), in.processingId(), version)
                + "\rMSA" + fs + ackCode + fs + in.controlId();
        Message ack = parser.parse(skeleton);
        Terser t = new Terser(ack);
        if (error != null) {
            t.set("/MSA-3", error.text());
            t.set("/ERR-1-1", error.segment());
            t.set("/ERR-1-2", "1");
            t.set("/ERR-1-3", error.field() > 0 ? String.valueOf(error.field()) : "");
            t.set("/ERR-1-4-1", String.valueOf(error.code()));
            t.set("/ERR-1-4-2", error.codeText());
            t.set("/ERR-1-4-3", "HL70357");
            t.set("/ERR-2-1", error.segment());
            t.set("/ERR-2-2", "1");
            t.set("/ERR-2-3", error.field() > 0 ? String.valueOf(error.field()) : "");
            t.set("/ERR-3-1", String.valueOf(error.code()));
            t.set("/ERR-3-2", error.codeText());
            t.set("/ERR-3-3", "HL70357");
            t.set("/ERR-4", "E");
            t.set("/ERR-8", error.text());
        }
        if (result != null) {
            writeResult(ack, t, result);
        }
        return parser.encode(ack);
    }

    private void writeResult(Message ack, Terser t, CheckResult result) throws HL7Exception {
        ack.addNonstandardSegment("ZCS");
        t.set("/ZCS-1", result.status().name());
        t.set("/ZCS-2", result.summary());
        t.set("/ZCS-3", result.reasonCode());
        t.set("/ZCS-4", String.valueOf(result.plans().size()));
        t.set("/ZCS-5", result.authoritiesToNotify().isEmpty() ? "NONE" : "QUEUED");
        if (result.setting() != null) {
            t.set("/ZCS-6-1", result.setting().code());
            t.set("/ZCS-6-2", result.setting().name());
            t.set("/ZCS-6-3", result.setting().type());
            t.set("/ZCS-7", result.setting().scheduled() ? "S" : "U");
        }
        if (!result.plans().isEmpty()) {
            ack.addNonstandardSegment("ZCP");
        }
        for (int i = 0; i < result.plans().size(); i++) {
            Plan plan = result.plans().get(i);
            Authority authority = authorities.find(plan.authorityCode());
            String zcp = "/ZCP(" + i + ")-";
            t.set(zcp + "1", plan.type().name());
            t.set(zcp + "2-1", plan.type().snomedCode());
            t.set(zcp + "2-2", plan.type().snomedDisplay());
            t.set(zcp + "2-3", "SCT");
            t.set(zcp + "3", Hl7Time.format(plan.startDate()));
            t.set(zcp + "4", Hl7Time.format(plan.endDate()));
            t.set(zcp + "5", authority.code());
            t.set(zcp + "6", authority.name());
            t.set(zcp + "7", authority.officeHoursPhone());
            t.set(zcp + "8", authority.emergencyDutyPhone());
        }
        if (!result.history().isEmpty()) {
            ack.addNonstandardSegment("ZCA");
        }
        for (int i = 0; i < result.history().size(); i++) {
            AccessRecord access = result.history().get(i);
            String zca = "/ZCA(" + i + ")-";
            t.set(zca + "1", Hl7Time.format(access.accessedAt().atZoneSameInstant(zone).toOffsetDateTime()));
            t.set(zca + "2", access.settingCode());
            t.set(zca + "3", access.settingName());
            t.set(zca + "4", access.settingType());
        }
    }

    private static String newControlId() {
        return "CPIS" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }
}
