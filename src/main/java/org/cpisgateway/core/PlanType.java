package org.cpisgateway.core;

/** CP-IS plan types, with the SNOMED CT codes the national FHIR API uses for them. */
public enum PlanType {
    CPP("342191000000101", "Subject to child protection plan"),
    LAC("764841000000100", "Looked after child"),
    UCP("818901000000100", "Unborn child subject to child protection plan");

    private final String snomedCode;
    private final String snomedDisplay;

    PlanType(String snomedCode, String snomedDisplay) {
        this.snomedCode = snomedCode;
        this.snomedDisplay = snomedDisplay;
    }

    public String snomedCode() {
        return snomedCode;
    }

    public String snomedDisplay() {
        return snomedDisplay;
    }

    /** The plan type for a code, or null when the code is not one of CPP, LAC, UCP. */
    public static PlanType fromCode(String code) {
        if (code == null) {
            return null;
        }
        try {
            return valueOf(code.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            return null;
        }
    }
}
