package org.cpisgateway.core;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;

/**
 * How the gateway writes a time in what it sends and answers (notifications, the authority and operations APIs):
 * ISO 8601 with the offset and always the seconds, {@code 2026-11-22T09:30:00Z}. {@link OffsetDateTime#toString()}
 * leaves the seconds out of a time on a whole minute ({@code 2026-11-22T09:30Z}), which is every attendance of a PAS
 * that sends its times to the minute; FHIR's {@code dateTime} refuses that form, and so may an authority's reader.
 */
public final class IsoTime {

    /** Whole seconds, and fractions of 3, 6 and 9 digits: the groups {@link OffsetDateTime#toString()} writes. */
    private static final DateTimeFormatter SECONDS = withFraction(0);
    private static final DateTimeFormatter MILLIS = withFraction(3);
    private static final DateTimeFormatter MICROS = withFraction(6);
    private static final DateTimeFormatter NANOS = withFraction(9);

    private IsoTime() {
    }

    /**
     * The time with its offset and seconds (and a fraction only when it has one, in groups of three digits, as
     * {@link OffsetDateTime#toString()} writes it); null for null.
     */
    public static String of(OffsetDateTime time) {
        if (time == null) {
            return null;
        }
        int nano = time.getNano();
        DateTimeFormatter form = nano == 0 ? SECONDS
                : nano % 1_000_000 == 0 ? MILLIS
                : nano % 1_000 == 0 ? MICROS
                : NANOS;
        return form.format(time);
    }

    private static DateTimeFormatter withFraction(int digits) {
        DateTimeFormatterBuilder b = new DateTimeFormatterBuilder()
                .append(DateTimeFormatter.ISO_LOCAL_DATE)
                .appendLiteral('T')
                .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':')
                .appendValue(ChronoField.MINUTE_OF_HOUR, 2).appendLiteral(':')
                .appendValue(ChronoField.SECOND_OF_MINUTE, 2);
        if (digits > 0) {
            b.appendFraction(ChronoField.NANO_OF_SECOND, digits, digits, true);
        }
        return b.appendOffsetId().toFormatter();
    }
}
