package org.cpisgateway.core;

import java.time.LocalDate;

/** One CP-IS plan held in the flag store. */
public record Plan(String nhsNumber, PlanType type, LocalDate startDate, LocalDate endDate, String authorityCode) {

    /** Active for an attendance on {@code day}: started on or before it, and not ended before it. */
    public boolean isActiveOn(LocalDate day) {
        return !startDate.isAfter(day) && (endDate == null || !endDate.isBefore(day));
    }
}
