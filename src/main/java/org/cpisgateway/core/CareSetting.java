package org.cpisgateway.core;

/**
 * Where an attendance happens. {@code scheduled} settings get a silent read (no notification to the authority);
 * unscheduled ones (ED, UTC, walk-in, ...) notify. {@code mapped} is false for a setting nobody has described.
 * {@code requiresNhsNumberStatus}: its sender always sends PID-32, so a number without it is not looked up.
 * {@code phone}: who an authority calls at the setting about the attendance (null when not mapped).
 */
public record CareSetting(String code, String name, String type, boolean scheduled, boolean mapped,
                          boolean requiresNhsNumberStatus, String phone) {

    /** A setting whose sender need not send the NHS number's status (PID-32): a number without one is looked up. */
    public CareSetting(String code, String name, String type, boolean scheduled, boolean mapped) {
        this(code, name, type, scheduled, mapped, false, null);
    }

    public CareSetting(String code, String name, String type, boolean scheduled, boolean mapped,
                       boolean requiresNhsNumberStatus) {
        this(code, name, type, scheduled, mapped, requiresNhsNumberStatus, null);
    }

    /**
     * A sending facility with no setting mapped: treated as unscheduled, because a missed notification is the worse
     * error.
     */
    public static CareSetting unmapped(String sendingFacility) {
        String code = sendingFacility == null || sendingFacility.isEmpty() ? "UNKNOWN" : sendingFacility;
        return new CareSetting(code, code + " (unmapped)", "UNMAPPED", false, false);
    }
}
