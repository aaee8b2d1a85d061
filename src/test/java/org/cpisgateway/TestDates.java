package org.cpisgateway;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

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

    /**
     * A clock for a gateway whose hours matter (the operations page counts per hour): it runs with the machine's but
     * {@code hoursAhead} to {@code hoursAhead + 1} hours ahead, so that it reads the top of an hour as it is made. A
     * test started on it has a whole hour before that hour ends, and one that read the machine's clock instead of
     * the gateway's would count in another hour.
     */
    public static Clock clockFromTheTopOfAnHour(int hoursAhead) {
        Instant now = Instant.now();
        Instant top = now.truncatedTo(ChronoUnit.HOURS).plus(hoursAhead + 1L, ChronoUnit.HOURS);
        return Clock.offset(Clock.systemUTC(), Duration.between(now, top));
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
