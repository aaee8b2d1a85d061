package org.cpisgateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The pattern rules on lists in memory: settings within a window, repeats at one setting, what is not a pattern. */
class PatternRulesTest {

    static final OffsetDateTime NOW = OffsetDateTime.of(2026, 11, 22, 9, 30, 0, 0, ZoneOffset.UTC);
    final PatternRules rules = new PatternRules(3, 30, 4, 30);

    static AccessRecord at(String setting, OffsetDateTime time) {
        return new AccessRecord(time, setting, setting + " name", "ED", false);
    }

    /** Newest first, as stored. */
    static List<AccessRecord> history(AccessRecord... oldestFirst) {
        List<AccessRecord> list = new ArrayList<>(List.of(oldestFirst));
        java.util.Collections.reverse(list);
        return list;
    }

    @Test
    void threeSettingsWithinThirtyDaysAreAPatternAndTheAttendancesThatMakeItAreListed() {
        Pattern p = rules.find(history(at("A", NOW.minusDays(20)), at("B", NOW.minusDays(6))), at("C", NOW));
        assertThat(p).isNotNull();
        assertThat(p.kind()).isEqualTo(Pattern.Kind.SETTINGS);
        assertThat(p.count()).isEqualTo(3);
        assertThat(p.attendances()).extracting(AccessRecord::settingCode).containsExactly("A", "B", "C");
        assertThat(p.summary()).isEqualTo("seen at 3 care settings in 30 days");
    }

    @Test
    void outsideTheWindowScheduledSettingsAndTwoSettingsAreNot() {
        assertThat(rules.find(history(at("A", NOW.minusDays(31)), at("B", NOW.minusDays(6))), at("C", NOW))).isNull();
        AccessRecord scheduled = new AccessRecord(NOW.minusDays(3), "GP", "GP", "GP", true);
        assertThat(rules.find(history(scheduled, at("B", NOW.minusDays(6))), at("C", NOW))).isNull();
        assertThat(rules.find(history(at("A", NOW.minusDays(2)), at("A", NOW.minusDays(9))), at("C", NOW))).isNull();
        // a scheduled setting is a silent read: never a pattern from it
        assertThat(rules.find(history(at("A", NOW.minusDays(2)), at("B", NOW.minusDays(3))),
                new AccessRecord(NOW, "GP", "GP", "GP", true))).isNull();
    }

    @Test
    void fourAttendancesAtOneSettingAreAPatternButRepeatsWithinADayCountOnce() {
        Pattern p = rules.find(history(at("A", NOW.minusDays(25)), at("A", NOW.minusDays(15)),
                at("A", NOW.minusDays(5))), at("A", NOW));
        assertThat(p.kind()).isEqualTo(Pattern.Kind.REPEATS);
        assertThat(p.count()).isEqualTo(4);
        assertThat(rules.find(history(at("A", NOW.minusDays(25)), at("A", NOW.minusHours(20)),
                at("A", NOW.minusHours(10))), at("A", NOW))).as("three within one day count once").isNull();
    }
}
