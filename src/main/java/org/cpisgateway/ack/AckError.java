package org.cpisgateway.ack;

/** What goes in ERR: HL7 table 0357 code, where in the message (segment, field), and text for the sender. */
public record AckError(int code, String segment, int field, String text) {

    public String codeText() {
        return switch (code) {
            case 100 -> "Segment sequence error";
            case 101 -> "Required field missing";
            case 102 -> "Data type error";
            case 103 -> "Table value not found";
            case 200 -> "Unsupported message type";
            case 201 -> "Unsupported event code";
            case 202 -> "Unsupported processing id";
            case 203 -> "Unsupported version id";
            case 204 -> "Unknown key identifier";
            case 205 -> "Duplicate key identifier";
            case 206 -> "Application record locked";
            default -> "Application internal error";
        };
    }
}
