package org.cpisgateway.ops;

import org.cpisgateway.http.OperationsAccess;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to the audit log (logger {@code cpis.audit}, its own file) who read or replayed a stored message through
 * the operations endpoint: a stored message is patient data, so each look at it is an access like an attendance's.
 */
public class OperationsAudit {

    private static final Logger AUDIT = LoggerFactory.getLogger("cpis.audit");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;

    public OperationsAudit(Clock clock) {
        this.clock = clock;
    }

    /** @param action what was done to the message whose id is in header {@code id}: {@code read}, {@code replay} */
    public void record(Exchange exchange, String action) throws JsonProcessingException {
        Object user = exchange.getMessage().getHeader(OperationsAccess.USER_HEADER);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("at", clock.instant().toString());
        line.put("action", action);
        line.put("user", OperationsAccess.userName(user));
        line.put("messageId", exchange.getMessage().getHeader("id", String.class));
        AUDIT.info(JSON.writeValueAsString(line));
    }
}
