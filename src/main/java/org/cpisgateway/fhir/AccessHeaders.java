package org.cpisgateway.fhir;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The request headers of the national CP-IS FHIR API, read the same way on every search.
 *
 * <ul>
 *   <li>{@code IsUnscheduledAccessEvent}: {@code true} (the query comes from unscheduled care: recorded and
 *   notified), {@code false} (scheduled care: a silent read), absent (treated as unscheduled, as nationally). Letter
 *   case is not significant. Any other value, an empty one, or the header given twice is refused with
 *   {@code PRECONDITION_FAILED}. The claim can only make a search quieter: a setting that mappings/care-settings.csv
 *   says is scheduled is silent whatever the header says.</li>
 *   <li>{@code TraceID}: the caller's reference for one request, a UUID recommended. Any value is accepted. A UUID is
 *   logged as it is (lower case); anything else is logged only as {@code sha256:} and the first 16 hex digits of the
 *   SHA-256 of its UTF-8 bytes, so that free text a caller puts there (which could hold a name or an NHS number, or
 *   a line break to forge a log line) never reaches a log, while the caller can still find its request by hashing
 *   its own reference.</li>
 * </ul>
 */
final class AccessHeaders {

    static final String UNSCHEDULED = "IsUnscheduledAccessEvent";
    static final String TRACE = "TraceID";

    private AccessHeaders() {
    }

    /**
     * {@code IsUnscheduledAccessEvent}: TRUE or FALSE as given, null when absent.
     *
     * @param header the header as the HTTP consumer gives it (a list when it was repeated)
     */
    static Boolean unscheduled(Object header) {
        if (header == null) {
            return null;
        }
        String value = single(header);
        if (value != null) {
            switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "true":
                    return Boolean.TRUE;
                case "false":
                    return Boolean.FALSE;
                default:
                    break;
            }
        }
        throw FhirProblem.preconditionFailed(UNSCHEDULED + " must be true or false (absent: true)");
    }

    /** {@code TraceID} as it may be logged (see the class comment); null when absent or empty. */
    static String trace(Object header) {
        if (header == null) {
            return null;
        }
        String value = single(header);
        if (value == null) {
            return "sha256:" + sha256(String.valueOf(header)); // repeated: still traceable, never echoed
        }
        if (value.isEmpty()) {
            return null;
        }
        if (value.length() == 36) {
            try {
                UUID uuid = UUID.fromString(value);
                if (uuid.toString().equalsIgnoreCase(value)) {
                    return uuid.toString();
                }
            } catch (IllegalArgumentException notAUuid) {
                // hashed below
            }
        }
        return "sha256:" + sha256(value);
    }

    private static String single(Object header) {
        if (header instanceof List<?> list) {
            return list.size() == 1 && list.get(0) != null ? list.get(0).toString() : null;
        }
        return header.toString();
    }

    private static String sha256(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
