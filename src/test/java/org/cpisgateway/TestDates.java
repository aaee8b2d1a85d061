package org.cpisgateway;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import org.cpisgateway.store.PlanFile;

/**
 * Dates for tests that talk to a gateway running on the machine's clock: always relative to today in the gateway's
 * zone (cpis.timezone), written as the demo plans file writes them ({@code today-10m}), never a literal that ages.
 */
public final class TestDates {

    public static final ZoneId ZONE = ZoneId.of("Europe/London");
    private static final DateTimeFormatter DTM = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    private TestDates() {
    }

    public static LocalDate today() {
        return LocalDate.now(ZONE);
    }

    /** {@code today}, {@code today-2y}, {@code today+3d} ... as a date. */
    public static LocalDate day(String relative) {
        return PlanFile.date(relative, today());
    }

    /** The same as an ISO date (YYYY-MM-DD), as uploads take it. */
    public static String iso(String relative) {
        return day(relative).toString();
    }

    /** The same as an HL7 DT (YYYYMMDD). */
    public static String hl7(String relative) {
        return day(relative).format(DateTimeFormatter.BASIC_ISO_DATE);
    }

    /** Now, minus some minutes, as an HL7 DTM to the minute (as many a PAS sends its times) in the gateway's zone. */
    public static String hl7MinuteMinutesAgo(long minutes) {
        return ZonedDateTime.now(ZONE).minusMinutes(minutes).format(DateTimeFormatter.ofPattern("yyyyMMddHHmm"));
    }

    /** Now, minus some seconds, as an HL7 DTM in the gateway's zone. */
    public static String hl7TimeSecondsAgo(long seconds) {
        return ZonedDateTime.now(ZONE).minusSeconds(seconds).format(DTM);
    }
}
