package org.cpisgateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class AccessHistoryTest {

    static final OffsetDateTime T0 = OffsetDateTime.of(2026, 11, 1, 10, 0, 0, 0, ZoneOffset.UTC);

    static AccessRecord at(int hours, String setting, boolean scheduled) {
        return new AccessRecord(T0.plusHours(hours), setting, setting + " name", "ED", scheduled);
    }

    /** Stored order is newest first. */
    static List<AccessRecord> newestFirst(AccessRecord... oldestFirst) {
        List<AccessRecord> list = new ArrayList<>(List.of(oldestFirst));
        java.util.Collections.reverse(list);
        return list;
    }

    @Test
    void repeatsFromTheSameSettingWithin24HoursCountOnceAsTheFirst() {
        List<AccessRecord> shown = AccessHistory.collapse(newestFirst(
                at(0, "A", false), at(3, "A", false), at(23, "A", false), at(24, "A", false), at(30, "A", false)), 25);
        // 0 starts a window; 3 and 23 fall in it; 24 starts the next window; 30 falls in that one
        assertThat(shown).extracting(a -> a.accessedAt()).containsExactly(T0.plusHours(24), T0);
    }

    @Test
    void differentSettingsAreNotCollapsed() {
        List<AccessRecord> shown = AccessHistory.collapse(newestFirst(at(0, "A", false), at(1, "B", false)), 25);
        assertThat(shown).extracting(AccessRecord::settingCode).containsExactly("B", "A");
    }

    @Test
    void scheduledAccessesAreNotShown() {
        List<AccessRecord> shown = AccessHistory.collapse(newestFirst(at(0, "GP", true), at(1, "A", false)), 25);
        assertThat(shown).extracting(AccessRecord::settingCode).containsExactly("A");
    }

    @Test
    void atMost25NewestFirst() {
        AccessRecord[] many = new AccessRecord[40];
        for (int i = 0; i < 40; i++) {
            many[i] = at(i * 25, "A", false);
        }
        List<AccessRecord> shown = AccessHistory.collapse(newestFirst(many), 25);
        assertThat(shown).hasSize(25);
        assertThat(shown.get(0).accessedAt()).isEqualTo(T0.plusHours(39 * 25));
    }
}
