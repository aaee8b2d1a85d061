package org.cpisgateway.core;

/** A local authority: its code, name and the phone numbers a clerk calls. */
public record Authority(String code, String name, String officeHoursPhone, String emergencyDutyPhone) {

    /** What we show when a plan names an authority that the directory does not know. */
    public static Authority unknown(String code) {
        return new Authority(code, "Unknown authority " + code, "", "");
    }
}
