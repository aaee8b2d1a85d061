package org.cpisgateway.hl7;

/**
 * A message the gateway will not process, answered with {@code AR}. Carries the HL7 error code (table 0357) and the
 * place in the message (segment and field) that caused it. The text goes back to the sender in ERR; it never holds
 * patient data.
 */
public class MessageRejectedException extends RuntimeException {

    private final int errorCode;
    private final String segment;
    private final int field;

    public MessageRejectedException(int errorCode, String segment, int field, String reason) {
        super(reason);
        this.errorCode = errorCode;
        this.segment = segment;
        this.field = field;
    }

    public int errorCode() {
        return errorCode;
    }

    public String segment() {
        return segment;
    }

    public int field() {
        return field;
    }
}
