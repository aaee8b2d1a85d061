package org.cpisgateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;

import org.junit.jupiter.api.Test;

/** The silence rule and the learning of usual traffic, on a clock fixed at next Monday's midnight (never a literal). */
class FeedSilenceTest {

    static final ZoneId ZONE = ZoneId.of("Europe/London");
    static final Clock CLOCK = Clock.fixed(ZonedDateTime.now(ZONE).with(TemporalAdjusters.next(DayOfWeek.MONDAY))
            .truncatedTo(ChronoUnit.DAYS).toInstant(), ZONE);
    /** Monday 00:00 of the coming week, in the gateway's zone. */
    static final ZonedDateTime MONDAY = ZonedDateTime.now(CLOCK);

    static final FeedSilence RULE = new FeedSilence(10);

    /** An emergency department open all hours: 20 messages an hour, every hour of the week. */
    static UsualTraffic emergencyDepartment() {
        double[] perHour = new double[UsualTraffic.HOURS_OF_WEEK];
        java.util.Arrays.fill(perHour, 20);
        return UsualTraffic.of(perHour, 4);
    }

    /** A GP practice open 08:00 to 18:00 on weekdays, 12 messages an hour; nothing at night or at weekends. */
    static UsualTraffic gpPractice() {
        double[] perHour = new double[UsualTraffic.HOURS_OF_WEEK];
        for (int day = 0; day < 5; day++) {
            for (int hour = 8; hour < 18; hour++) {
                perHour[day * 24 + hour] = 12;
            }
        }
        return UsualTraffic.of(perHour, 4);
    }

    static ZonedDateTime at(int day, int hour, int minute) {
        return MONDAY.plusDays(day).plusHours(hour).plusMinutes(minute);
    }

    @Test
    void aSettingThatNeverSentIsNotYetLiveAndNeverSilent() {
        FeedSilence.Verdict v = RULE.judge(null, Duration.ofMinutes(30), emergencyDepartment(), at(2, 14, 0));
        assertThat(v.state()).isEqualTo(FeedSilence.State.NOT_YET_LIVE);
        assertThat(v.silent()).isFalse();
        assertThat(v.age()).isNull();
        assertThat(v.usualPerHour()).isEqualTo(20);
    }

    @Test
    void anEmergencyDepartmentInABusyHourIsSilentOnceTenUsualMessagesHaveNotCome() {
        ZonedDateTime now = at(1, 15, 0);
        FeedSilence.Verdict quiet = RULE.judge(now.minusMinutes(29).toInstant(), null, emergencyDepartment(), now);
        assertThat(quiet.state()).isEqualTo(FeedSilence.State.LIVE);
        assertThat(quiet.expectedSince()).isCloseTo(29 / 3.0, within(1e-9));

        FeedSilence.Verdict silent = RULE.judge(now.minusMinutes(30).toInstant(), null, emergencyDepartment(), now);
        assertThat(silent.state()).isEqualTo(FeedSilence.State.SILENT);
        assertThat(silent.basis()).isEqualTo(FeedSilence.Basis.USUAL_TRAFFIC);
        assertThat(silent.age()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void aGpPracticeClosedAtNightIsNotSilentAtNightAndItsSilenceCountsFromOpening() {
        Instant lastBeforeClosing = at(0, 17, 55).toInstant(); // 1 message usually in the 5 minutes to closing
        assertThat(RULE.judge(lastBeforeClosing, null, gpPractice(), at(1, 3, 0)).state())
                .as("03:00: nothing usually comes at night").isEqualTo(FeedSilence.State.LIVE);
        assertThat(RULE.judge(lastBeforeClosing, null, gpPractice(), at(1, 3, 0)).usualPerHour()).isZero();
        FeedSilence.Verdict morning = RULE.judge(lastBeforeClosing, null, gpPractice(), at(1, 8, 40));
        assertThat(morning.state()).as("1 + 8 expected by 08:40").isEqualTo(FeedSilence.State.LIVE);
        assertThat(morning.expectedSince()).isCloseTo(9, within(1e-9));
        assertThat(RULE.judge(lastBeforeClosing, null, gpPractice(), at(1, 8, 45)).state())
                .as("1 + 9 expected by 08:45").isEqualTo(FeedSilence.State.SILENT);
        Instant fridayEvening = at(4, 17, 59).toInstant();
        assertThat(RULE.judge(fridayEvening, null, gpPractice(), at(6, 20, 0)).state())
                .as("a whole weekend closed").isEqualTo(FeedSilence.State.LIVE);
    }

    @Test
    void aThresholdAloneDecidesWhileNoUsualTrafficIsLearnt() {
        ZonedDateTime now = at(3, 11, 0);
        Duration threshold = Duration.ofMinutes(30);
        FeedSilence.Verdict before = RULE.judge(now.minusMinutes(30).toInstant(), threshold, null, now);
        assertThat(before.state()).isEqualTo(FeedSilence.State.LIVE);
        assertThat(before.basis()).isEqualTo(FeedSilence.Basis.THRESHOLD);
        assertThat(before.usualPerHour()).isNegative();
        assertThat(RULE.judge(now.minusMinutes(31).toInstant(), threshold, null, now).state())
                .isEqualTo(FeedSilence.State.SILENT);
    }

    @Test
    void aThresholdWithUsualTrafficIsAFloorTheSilenceMustAlsoPass() {
        ZonedDateTime now = at(1, 15, 0);
        Duration hour = Duration.ofMinutes(60);
        assertThat(RULE.judge(now.minusMinutes(45).toInstant(), hour, emergencyDepartment(), now).state())
                .as("15 expected, but not an hour yet").isEqualTo(FeedSilence.State.LIVE);
        assertThat(RULE.judge(now.minusMinutes(61).toInstant(), hour, emergencyDepartment(), now).state())
                .isEqualTo(FeedSilence.State.SILENT);
        assertThat(RULE.judge(at(0, 17, 55).toInstant(), hour, gpPractice(), at(1, 6, 0)).state())
                .as("the threshold passed at night, but nothing usually comes").isEqualTo(FeedSilence.State.LIVE);
    }

    @Test
    void withNeitherUsualTrafficNorThresholdItIsLearningAndNeverSilent() {
        ZonedDateTime now = at(2, 12, 0);
        FeedSilence.Verdict v = RULE.judge(now.minusDays(3).toInstant(), null, null, now);
        assertThat(v.state()).isEqualTo(FeedSilence.State.LIVE);
        assertThat(v.basis()).isEqualTo(FeedSilence.Basis.LEARNING);
        assertThat(v.age()).isEqualTo(Duration.ofDays(3));
    }

    @Test
    void expectedTrafficOverMoreThanAWeekCountsWholeWeeks() {
        UsualTraffic gp = gpPractice();
        assertThat(gp.perWeek()).isEqualTo(600);
        assertThat(gp.expectedBetween(at(0, 0, 0), at(0, 0, 0).plusWeeks(2).plusHours(9)))
                .isCloseTo(1212, within(1e-9));
        assertThat(gp.expectedBetween(at(0, 9, 0), at(0, 8, 0))).isZero();
    }

    @Test
    void usualTrafficIsTheMeanOfEachHourOfTheWeekOverTheWeeksSent() {
        ZonedDateTime now = at(0, 0, 0);
        UsualTraffic.Tally tally = new UsualTraffic.Tally(now, 4, 2);
        // three weeks of a Tuesday 10:00 hour with 6, 3 and 9 messages; a message five weeks ago is not counted
        int[] perWeek = {6, 3, 9};
        for (int w = 0; w < perWeek.length; w++) {
            ZonedDateTime tuesday10 = now.minusWeeks(w + 1).plusDays(1).plusHours(10);
            for (int i = 0; i < perWeek[w]; i++) {
                tally.add(tuesday10.plusMinutes(i).toInstant());
            }
        }
        tally.add(now.minusWeeks(5).toInstant());
        UsualTraffic usual = tally.result();
        assertThat(usual).isNotNull();
        assertThat(usual.weeks()).isEqualTo(4);
        assertThat(usual.perHour(now.plusDays(1).plusHours(10).plusMinutes(30))).isEqualTo(18 / 4.0);
        assertThat(usual.perHour(now.plusDays(1).plusHours(11))).isZero();
    }

    @Test
    void aSettingSendingForFewerThanTheMinimumWeeksHasNoUsualTrafficYet() {
        ZonedDateTime now = at(0, 0, 0);
        UsualTraffic.Tally tally = new UsualTraffic.Tally(now, 4, 2);
        assertThat(tally.result()).as("nothing sent").isNull();
        for (int h = 1; h < 13 * 24; h++) { // 13 days of hourly messages
            tally.add(now.minusHours(h).toInstant());
        }
        assertThat(tally.result()).as("one whole week only").isNull();
        tally.sentSince(now.minusDays(15).toInstant()); // the store tells it has sent for longer
        UsualTraffic usual = tally.result();
        assertThat(usual).isNotNull();
        assertThat(usual.weeks()).isEqualTo(2);
        assertThat(usual.perHour(now.minusHours(5))).isEqualTo(1.0);
    }
}
