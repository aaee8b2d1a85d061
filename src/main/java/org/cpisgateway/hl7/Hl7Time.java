package org.cpisgateway.hl7;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;

/** HL7 v2 DTM/TS values (YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+/-ZZZZ]); a value without an offset is local to {@code zone}. */
public final class Hl7Time {

    /**
     * The DTM grammar as nested optional sections: each pair after the year only when the one before it is there, a
     * fraction of 1 to 4 digits, an offset of a sign and four digits; what is left out is the start of its period.
     * Strict: a day, hour or offset out of range is no time at all.
     */
    private static final DateTimeFormatter DTM = new DateTimeFormatterBuilder()
            .appendValue(ChronoField.YEAR, 4)
            .optionalStart().appendValue(ChronoField.MONTH_OF_YEAR, 2)
            .optionalStart().appendValue(ChronoField.DAY_OF_MONTH, 2)
            .optionalStart().appendValue(ChronoField.HOUR_OF_DAY, 2)
            .optionalStart().appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .optionalStart().appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalEnd().optionalEnd().optionalEnd().optionalEnd().optionalEnd()
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 4, true).optionalEnd()
            .optionalStart().appendOffset("+HHMM", "+0000").optionalEnd()
            .parseDefaulting(ChronoField.MONTH_OF_YEAR, 1)
            .parseDefaulting(ChronoField.DAY_OF_MONTH, 1)
            .parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
            .parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0)
            .parseDefaulting(ChronoField.SECOND_OF_MINUTE, 0)
            .toFormatter()
            .withResolverStyle(ResolverStyle.STRICT);

    private static final DateTimeFormatter DTM_WITH_OFFSET = DateTimeFormatter.ofPattern("yyyyMMddHHmmssZ");

    private Hl7Time() {
    }

    /**
     * The instant, or null when the value is empty or not a DTM: after trimming, 4 to 14 digits in pairs after the
     * year, then optionally a fraction of 1 to 4 digits (ignored) and an offset of a sign and four digits.
     */
    public static OffsetDateTime parse(String value, ZoneId zone) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            TemporalAccessor parsed = DTM.parse(value.trim());
            LocalDateTime local = LocalDateTime.from(parsed).withNano(0);
            return parsed.isSupported(ChronoField.OFFSET_SECONDS) ? local.atOffset(ZoneOffset.from(parsed))
                    : local.atZone(zone).toOffsetDateTime();
        } catch (DateTimeException notADtm) {
            return null;
        }
    }

    /** The calendar date of a DTM/TS/DT value, or null. */
    public static LocalDate parseDate(String value) {
        OffsetDateTime t = parse(value, ZoneOffset.UTC);
        return t == null ? null : t.toLocalDate();
    }

    public static String format(OffsetDateTime t) {
        return t == null ? "" : t.format(DTM_WITH_OFFSET);
    }

    public static String format(LocalDate d) {
        return d == null ? "" : d.format(DateTimeFormatter.BASIC_ISO_DATE);
    }
}
