package org.cpisgateway.core;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;

/**
 * A care setting's usual traffic: the mean number of messages it sends in each hour of the week (Monday 00:00 to
 * 01:00 is hour 0, Sunday 23:00 to 24:00 is hour 167, in the gateway's zone), learnt from the weeks of messages the
 * store keeps. An hour in which it sent nothing in any of those weeks (a GP practice at night) expects nothing.
 */
public final class UsualTraffic {

    public static final int HOURS_OF_WEEK = 7 * 24;
    private static final Duration WEEK = Duration.ofDays(7);

    private final double[] perHour;
    private final int weeks;

    private UsualTraffic(double[] perHour, int weeks) {
        this.perHour = perHour;
        this.weeks = weeks;
    }

    /** From the mean messages of each hour of the week (168 values), learnt over {@code weeks} weeks. */
    public static UsualTraffic of(double[] perHourOfWeek, int weeks) {
        if (perHourOfWeek.length != HOURS_OF_WEEK) {
            throw new IllegalArgumentException("one value per hour of the week (168), not " + perHourOfWeek.length);
        }
        return new UsualTraffic(perHourOfWeek.clone(), weeks);
    }

    /** The hour of the week of {@code at}: 0 (Monday 00:00) to 167 (Sunday 23:00), in its own zone. */
    public static int hourOfWeek(ZonedDateTime at) {
        return (at.getDayOfWeek().getValue() - 1) * 24 + at.getHour();
    }

    /** Messages usually sent in the hour of the week {@code at} falls in. */
    public double perHour(ZonedDateTime at) {
        return perHour[hourOfWeek(at)];
    }

    /** How many weeks of messages this was learnt from. */
    public int weeks() {
        return weeks;
    }

    /** Messages usually sent in a whole week. */
    public double perWeek() {
        return Arrays.stream(perHour).sum();
    }

    /**
     * Messages usually sent from {@code from} to {@code to}: each hour of the week counts for the part of it the span
     * covers (a span of 20 minutes in an hour that usually has 12 messages expects 4). Zero when {@code to} is not
     * after {@code from}.
     */
    public double expectedBetween(ZonedDateTime from, ZonedDateTime to) {
        if (!to.isAfter(from)) {
            return 0;
        }
        ZoneId zone = to.getZone();
        ZonedDateTime t = from.withZoneSameInstant(zone);
        double sum = 0;
        long wholeWeeks = Duration.between(t, to).dividedBy(WEEK);
        if (wholeWeeks > 0) {
            sum += wholeWeeks * perWeek();
            t = t.plus(WEEK.multipliedBy(wholeWeeks));
        }
        while (t.isBefore(to)) {
            ZonedDateTime next = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
            ZonedDateTime end = next.isAfter(to) ? to : next;
            sum += perHour(t) * Duration.between(t, end).toMillis() / 3_600_000.0;
            t = end;
        }
        return sum;
    }

    /**
     * Counts messages into the hours of the week they were sent in, week by week back from {@code now}, and makes
     * the usual traffic of the most recent whole weeks the setting has been sending in (at most {@code maxWeeks}), or
     * none when it has not been sending for {@code minWeeks} yet: a setting that went live last week has no usual
     * traffic to compare with.
     */
    public static final class Tally {
        private final ZonedDateTime now;
        private final int maxWeeks;
        private final int minWeeks;
        /** [week back from now][hour of the week] */
        private final long[][] counts;
        private Instant earliest;

        public Tally(ZonedDateTime now, int maxWeeks, int minWeeks) {
            this.now = now;
            this.maxWeeks = Math.max(1, maxWeeks);
            this.minWeeks = Math.max(1, Math.min(minWeeks, this.maxWeeks));
            this.counts = new long[this.maxWeeks][HOURS_OF_WEEK];
        }

        /** The start of the span learnt from: messages before it are not counted (though they tell it was live). */
        public Instant since() {
            return now.minus(WEEK.multipliedBy(maxWeeks)).toInstant();
        }

        /** A message sent at {@code at}. */
        public void add(Instant at) {
            if (earliest == null || at.isBefore(earliest)) {
                earliest = at;
            }
            if (!at.isBefore(now.toInstant())) {
                return;
            }
            long week = Duration.between(at, now.toInstant()).dividedBy(WEEK);
            if (week < maxWeeks) {
                counts[(int) week][hourOfWeek(at.atZone(now.getZone()))]++;
            }
        }

        /** The setting sent something as long ago as {@code at} (before the span counted). */
        public void sentSince(Instant at) {
            if (earliest == null || at.isBefore(earliest)) {
                earliest = at;
            }
        }

        /** The usual traffic, or null when the setting has sent for fewer than the minimum of whole weeks. */
        public UsualTraffic result() {
            if (earliest == null) {
                return null;
            }
            long sending = Duration.between(earliest, now.toInstant()).dividedBy(WEEK);
            int weeks = (int) Math.min(maxWeeks, sending);
            if (weeks < minWeeks) {
                return null;
            }
            double[] perHour = new double[HOURS_OF_WEEK];
            for (int w = 0; w < weeks; w++) {
                for (int h = 0; h < HOURS_OF_WEEK; h++) {
                    perHour[h] += counts[w][h];
                }
            }
            for (int h = 0; h < HOURS_OF_WEEK; h++) {
                perHour[h] /= weeks;
            }
            return new UsualTraffic(perHour, weeks);
        }
    }
}
