package org.cpisgateway.core;

import java.util.Locale;
import java.util.Map;

/**
 * The NHS number status indicator (NHS Data Dictionary, NHS NUMBER STATUS INDICATOR CODE) that English feeds send in
 * PID-32, as {@code NSTS01} or {@code 01}. Only 01 means the number was traced and verified against the national
 * demographics service; the national CP-IS rule is to look up verified numbers only, so that a wrong or unconfirmed
 * number never shows another child's record.
 */
public final class NhsNumberStatus {

    public static final String VERIFIED = "01";

    private static final Map<String, String> MEANING = Map.of(
            "01", "number present and verified",
            "02", "number present but not traced",
            "03", "trace required",
            "04", "trace attempted, no match or multiple matches",
            "05", "trace needs to be resolved (NHS number or patient detail conflict)",
            "06", "trace in progress",
            "07", "number not present and trace not required",
            "08", "trace postponed (baby under six weeks old)");

    private NhsNumberStatus() {
    }

    /** The two-digit code of a PID-32 value ({@code NSTS02} or {@code 02}), null when absent or not one of 01-08. */
    public static String code(String pid32) {
        if (pid32 == null || pid32.isBlank()) {
            return null;
        }
        String value = pid32.strip().toUpperCase(Locale.ROOT);
        if (value.startsWith("NSTS")) {
            value = value.substring(4);
        }
        return MEANING.containsKey(value) ? value : null;
    }

    /** What a code means, for the clerk. */
    public static String meaning(String code) {
        return MEANING.getOrDefault(code, "status not recognised");
    }

    /** Whether PID-32 carries anything at all (recognised or not). */
    public static boolean present(String pid32) {
        return pid32 != null && !pid32.isBlank();
    }
}
