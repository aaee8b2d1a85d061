package org.cpisgateway.inbound;

import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.cpisgateway.core.CheckResult;
import org.cpisgateway.core.IsoTime;
import org.cpisgateway.hl7.CorrelationId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log: one JSON line per CP-IS access (every attendance whose NHS number was looked up in the flag store),
 * written to the logger {@code cpis.audit}, which {@code conf/logback.xml} sends to its own file and never to the
 * application log. Unlike the application log it names the child (NHS number): an access audit that cannot say whose
 * record was read is no audit. Guard it as you guard the store. The same facts are in the store's access_record
 * table for flagged children; this file also covers lookups that found no plan.
 *
 * <p>{@link #prepare} builds the line before the message is recorded, and the journal writes it just before the
 * record is made durable, so before the ACK leaves: one log event for all the lines of a batch (one file write for
 * them, on the journal's writer thread, not one each), and none for a re-sent message, whose access was audited the
 * first time. {@link #record} writes the line at once, for a route that audits after recording.
 */
public class AccessAudit {

    private static final Logger AUDIT = LoggerFactory.getLogger("cpis.audit");
    private static final JsonFactory JSON = new JsonFactory();

    /** Writes the access's audit line into the message, for the journal to write with its record. */
    public void prepare(InboundMessage m) {
        m.audit(line(m));
    }

    /** Writes the access's audit line now (a re-send's access was audited the first time). */
    public void record(InboundMessage m) {
        String line = m.answeredBefore() ? null : line(m);
        if (line != null) {
            AUDIT.info(line);
        }
    }

    /** The access's audit line, or null when nothing was looked up (or the audit log is off). */
    static String line(InboundMessage m) {
        CheckResult result = m.result();
        if (m.attendance() == null || result == null || result.status() == CheckResult.Status.NOT_CHECKED
                || !AUDIT.isInfoEnabled()) {
            return null;
        }
        var attendance = m.attendance();
        java.io.StringWriter line = new java.io.StringWriter(320);
        try (JsonGenerator json = JSON.createGenerator(line)) {
            json.writeStartObject();
            json.writeStringField("at", IsoTime.of(m.receivedAt()));
            json.writeStringField("correlationId", CorrelationId.of(m.msh()));
            json.writeStringField("sendingFacility", m.msh().sendingFacilityCode());
            json.writeStringField("controlId", m.msh().controlId());
            json.writeStringField("event", attendance.eventCode());
            json.writeStringField("nhsNumber", attendance.nhsNumber());
            json.writeStringField("setting", result.setting() == null ? null : result.setting().code());
            json.writeStringField("settingType", result.setting() == null ? null : result.setting().type());
            json.writeStringField("result", result.status().name());
            json.writeNumberField("plans", result.plans().size());
            json.writeArrayFieldStart("authoritiesNotified");
            for (String code : result.authoritiesToNotify() == null ? List.<String>of()
                    : result.authoritiesToNotify()) {
                json.writeString(code);
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return line.toString();
    }
}
