package org.cpisgateway.inbound;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cpisgateway.core.CheckResult;
import org.cpisgateway.hl7.CorrelationId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log: one JSON line per CP-IS access (every attendance whose NHS number was looked up in the flag store),
 * written to the logger {@code cpis.audit}, which {@code conf/logback.xml} sends to its own file and never to the
 * application log. Unlike the application log it names the child (NHS number): an access audit that cannot say whose
 * record was read is no audit. Guard it as you guard the store. The same facts are in the store's access_record
 * table for flagged children; this file also covers lookups that found no plan.
 */
public class AccessAudit {

    private static final Logger AUDIT = LoggerFactory.getLogger("cpis.audit");
    private static final ObjectMapper JSON = new ObjectMapper();

    public void record(InboundMessage m) throws JsonProcessingException {
        CheckResult result = m.result();
        if (m.answeredBefore() || m.attendance() == null || result == null
                || result.status() == CheckResult.Status.NOT_CHECKED
                || !AUDIT.isInfoEnabled()) {
            return; // nothing was looked up, or a re-send (its access was audited the first time)
        }
        var attendance = m.attendance();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("at", String.valueOf(m.receivedAt()));
        line.put("correlationId", CorrelationId.of(m.msh()));
        line.put("sendingFacility", m.msh().sendingFacilityCode());
        line.put("controlId", m.msh().controlId());
        line.put("event", attendance.eventCode());
        line.put("nhsNumber", attendance.nhsNumber());
        line.put("setting", result.setting() == null ? null : result.setting().code());
        line.put("settingType", result.setting() == null ? null : result.setting().type());
        line.put("result", result.status().name());
        line.put("plans", result.plans().size());
        line.put("authoritiesNotified", result.authoritiesToNotify());
        AUDIT.info(JSON.writeValueAsString(line));
    }
}
