package org.cpisgateway.core;

import java.util.List;

/**
 * The answer for one attendance: the status shown to the clerk (ZCS), the active plans (ZCP), the earlier accesses
 * (ZCA), the care setting, and which authorities are to be notified; the visit it belongs to (null when the message
 * does not say) and whether that visit was already checked with this NHS number; the pattern of attendances across
 * settings that this one completes (null when none).
 */
public record CheckResult(Status status, String reasonCode, String summary, List<Plan> plans,
                          List<AccessRecord> history, CareSetting setting, List<String> authoritiesToNotify,
                          String visit, boolean visitCheckedBefore, Pattern pattern) {

    public enum Status { FLAGGED, NOT_FLAGGED, NOT_CHECKED }

    /** A result that belongs to no known visit. */
    public CheckResult(Status status, String reasonCode, String summary, List<Plan> plans, List<AccessRecord> history,
                       CareSetting setting, List<String> authoritiesToNotify) {
        this(status, reasonCode, summary, plans, history, setting, authoritiesToNotify, null, false, null);
    }

    /** This result with the pattern of attendances the child's history shows (null: none). */
    public CheckResult withPattern(Pattern found) {
        return new CheckResult(status, reasonCode, summary, plans, history, setting, authoritiesToNotify, visit,
                visitCheckedBefore, found);
    }

    /** This result for the first look-up of {@code visit} with this NHS number: recorded and notified. */
    public CheckResult firstOfVisit(String visit) {
        return new CheckResult(status, reasonCode, summary, plans, history, setting, authoritiesToNotify, visit, false,
                pattern);
    }

    /**
     * This result for a later message of a visit already checked with the same NHS number: the clerk gets the
     * current answer; nobody is notified again and the access is not recorded twice.
     */
    public CheckResult repeatOfVisit(String visit) {
        return new CheckResult(status, reasonCode, summary, plans, history, setting, List.of(), visit, true, pattern);
    }

    /** Whether the flag store was read for this result (the NHS number was looked up). */
    public boolean lookedUp() {
        return status != Status.NOT_CHECKED;
    }

    public static CheckResult notChecked(String reasonCode, String summary, CareSetting setting) {
        return new CheckResult(Status.NOT_CHECKED, reasonCode, summary, List.of(), List.of(), setting, List.of());
    }

    public boolean flagged() {
        return status == Status.FLAGGED;
    }
}
