package org.cpisgateway.core;

import java.time.OffsetDateTime;

/**
 * How the gateway writes a time in what it sends and answers (notifications, the authority and operations APIs):
 * ISO 8601 with the offset and always the seconds, {@code 2026-11-22T09:30:00Z}. {@link OffsetDateTime#toString()}
 * leaves the seconds out of a time on a whole minute ({@code 2026-11-22T09:30Z}), which is every attendance of a PAS
 * that sends its times to the minute; FHIR's {@code dateTime} refuses that form, and so may an authority's reader.
 */
public final class IsoTime {

    private IsoTime() {
    }

    /**
     * The time with its offset and seconds (and a fraction only when it has one); null for null. The form of
     * {@link OffsetDateTime#toString()} (so a fraction reads as it always has, in groups of three digits), with the
     * seconds put back where it leaves them out: cheaper than a formatter, as it runs for every audited attendance.
     */
    public static String of(OffsetDateTime time) {
        if (time == null) {
            return null;
        }
        String text = time.toString();
        if (time.getSecond() != 0 || time.getNano() != 0) {
            return text;
        }
        int afterMinutes = text.indexOf('T') + 6; // yyyy-MM-ddTHH:mm (a year beyond 9999 has more digits)
        return text.substring(0, afterMinutes) + ":00" + text.substring(afterMinutes);
    }
}
