package org.cpisgateway.core;

/**
 * Where an attendance happens. {@code scheduled} settings get a silent read (no notification to the authority);
 * unscheduled ones (ED, UTC, walk-in, ...) notify. {@code mapped} is false for a setting nobody has described.
 */
public record CareSetting(String code, String name, String type, boolean scheduled, boolean mapped) {

    /**
     * A sending facility with no setting mapped: treated as unscheduled, because a missed notification is the worse
     * error.
     */
    public static CareSetting unmapped(String sendingFacility) {
        String code = sendingFacility == null || sendingFacility.isEmpty() ? "UNKNOWN" : sendingFacility;
        return new CareSetting(code, code + " (unmapped)", "UNMAPPED", false, false);
    }
}
