package org.cpisgateway.core;

import java.util.List;

/**
 * The answer for one attendance: the status shown to the clerk (ZCS), the active plans (ZCP), the earlier accesses
 * (ZCA), the care setting, and which authorities are to be notified.
 */
public record CheckResult(Status status, String reasonCode, String summary, List<Plan> plans,
                          List<AccessRecord> history, CareSetting setting, List<String> authoritiesToNotify) {

    public enum Status { FLAGGED, NOT_FLAGGED, NOT_CHECKED }

    public static CheckResult notChecked(String reasonCode, String summary, CareSetting setting) {
        return new CheckResult(Status.NOT_CHECKED, reasonCode, summary, List.of(), List.of(), setting, List.of());
    }

    public boolean flagged() {
        return status == Status.FLAGGED;
    }
}
