package org.cpisgateway.hl7;

import org.slf4j.MDC;

/**
 * The id that ties together every log line about one message: sending facility (MSH-4) and control ID (MSH-10), as
 * {@code R9Z01/MSG00042}. Put in the logging MDC under {@code correlationId} on the thread that handles the frame
 * (text logs show it in brackets, JSON logs in {@code mdc}); neither part is patient data.
 */
public final class CorrelationId {

    public static final String MDC_KEY = "correlationId";

    private CorrelationId() {
    }

    public static String of(MshHeader msh) {
        String facility = msh.sendingFacilityCode().isEmpty() ? "?" : msh.sendingFacilityCode();
        String control = msh.controlId().isEmpty() ? "?" : msh.controlId();
        return facility + "/" + control;
    }

    /** Sets the id for the current thread (the connection's thread, for as long as it handles this frame). */
    public static void set(MshHeader msh) {
        MDC.put(MDC_KEY, of(msh));
    }

    public static void clear() {
        MDC.remove(MDC_KEY);
    }
}
