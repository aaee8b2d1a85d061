package org.cpisgateway.core;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/**
 * How the gateway writes a time in what it sends and answers (notifications, the authority and operations APIs):
 * ISO 8601 with the offset and always the seconds, {@code 2026-11-22T09:30:00Z}. {@link OffsetDateTime#toString()}
 * leaves the seconds out of a time on a whole minute ({@code 2026-11-22T09:30Z}), which is every attendance of a PAS
 * that sends its times to the minute; FHIR's {@code dateTime} refuses that form, and so may an authority's reader.
 */
public final class IsoTime {

    private IsoTime() {
    }

    /** The time with its offset and seconds (and a fraction only when it has one); null for null. */
    public static String of(OffsetDateTime time) {
        return time == null ? null : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time);
    }
}
