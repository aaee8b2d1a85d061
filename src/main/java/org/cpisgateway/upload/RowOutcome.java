package org.cpisgateway.upload;

/**
 * The outcome of one upload row, with the national service's codes: CPR04 NHS number format incorrect, CPR06
 * accepted, CPR07 rejected for another reason, which {@code rule} names with a sub-code (the table in
 * docs/uploads.md) and {@code reason} says in words. {@code row} counts data rows from 1.
 */
public record RowOutcome(int row, String nhsNumber, String code, String reason, String rule) {

    public static final String FORMAT_INCORRECT = "CPR04";
    public static final String ACCEPTED = "CPR06";
    public static final String REJECTED = "CPR07";

    /** CPR07 sub-codes: which rule the row broke. */
    public static final String PLAN_TYPE = "CPR07-01";
    public static final String OTHER_AUTHORITY_NAMED = "CPR07-02";
    public static final String START_DATE = "CPR07-03";
    public static final String END_DATE = "CPR07-04";
    public static final String END_BEFORE_START = "CPR07-05";
    public static final String HELD_BY_ANOTHER = "CPR07-06";
    public static final String END_WITHOUT_DATE = "CPR07-07";
    public static final String NO_SUCH_PLAN = "CPR07-08";
    public static final String UNKNOWN_ACTION = "CPR07-09";
    public static final String NOT_STORED = "CPR07-10";

    public RowOutcome(int row, String nhsNumber, String code, String reason) {
        this(row, nhsNumber, code, reason, null);
    }

    public boolean accepted() {
        return ACCEPTED.equals(code);
    }
}
