package org.cpisgateway.upload;

import org.cpisgateway.core.PlanUploadRules;

/**
 * The outcome of one upload row, with the national service's codes: CPR04 NHS number format incorrect, CPR06
 * accepted, CPR07 rejected for another reason, which {@code rule} names with a sub-code (the table in
 * docs/uploads.md) and {@code reason} says in words. {@code row} counts data rows from 1.
 */
public record RowOutcome(int row, String nhsNumber, String code, String reason, String rule) {

    public static final String FORMAT_INCORRECT = PlanUploadRules.FORMAT_INCORRECT;
    public static final String ACCEPTED = "CPR06";
    public static final String REJECTED = PlanUploadRules.REJECTED;

    /** The CPR07 sub-code of a row the store refused; those of the row rules are in {@link PlanUploadRules}. */
    public static final String NOT_STORED = "CPR07-10";

    public RowOutcome(int row, String nhsNumber, String code, String reason) {
        this(row, nhsNumber, code, reason, null);
    }

    public boolean accepted() {
        return ACCEPTED.equals(code);
    }
}
