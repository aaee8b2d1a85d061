package org.cpisgateway.upload;

/**
 * The outcome of one upload row, with the national service's codes: CPR04 NHS number format incorrect, CPR06
 * accepted, CPR07 rejected for another reason (said in {@code reason}). {@code row} counts data rows from 1.
 */
public record RowOutcome(int row, String nhsNumber, String code, String reason) {

    public static final String FORMAT_INCORRECT = "CPR04";
    public static final String ACCEPTED = "CPR06";
    public static final String REJECTED = "CPR07";

    public boolean accepted() {
        return ACCEPTED.equals(code);
    }
}
