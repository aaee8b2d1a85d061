package org.cpisgateway.core;

import java.time.LocalDate;

/** One CP-IS plan held in the flag store. */
public record Plan(String nhsNumber, PlanType type, LocalDate startDate, LocalDate endDate, String authorityCode) {

    /** Active for an attendance on {@code day}: started on or before it, and not ended before it. */
    public boolean isActiveOn(LocalDate day) {
        return !startDate.isAfter(day) && (endDate == null || !endDate.isBefore(day));
    }

    /**
     * Ended before {@code day} but within {@code visibleFor} of it: the national service still shows such a plan
     * (a child "subject to a plan, or looked after, within the previous 12 months").
     */
    public boolean endedWithin(LocalDate day, java.time.Period visibleFor) {
        return endDate != null && !startDate.isAfter(day) && endDate.isBefore(day)
                && !endDate.isBefore(day.minus(visibleFor));
    }
}
