package org.cpisgateway.core;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The pattern CP-IS exists to show: a flagged child taken to a different unscheduled setting each time, or again and
 * again to the same one. Judged on the child's accesses at unscheduled settings, repeats at one setting within 24
 * hours counted once (as the clerk's history shows them), including the attendance being checked.
 * Defaults: 3 different settings within 30 days; 4 attendances at one setting within 30 days.
 */
public final class PatternRules {

    private final int settings;
    private final int settingsDays;
    private final int repeats;
    private final int repeatsDays;

    /** A rule with a count of 0 is off. */
    public PatternRules(int settings, int settingsDays, int repeats, int repeatsDays) {
        this.settings = settings;
        this.settingsDays = settingsDays;
        this.repeats = repeats;
        this.repeatsDays = repeatsDays;
    }

    /**
     * @param earlierNewestFirst the child's stored accesses, newest first (scheduled ones are ignored)
     * @param now                this attendance, as it will be recorded
     * @return the pattern this attendance completes or extends, or null; the settings rule first
     */
    public Pattern find(List<AccessRecord> earlierNewestFirst, AccessRecord now) {
        if (now.scheduled()) {
            return null;
        }
        List<AccessRecord> all = new ArrayList<>(earlierNewestFirst.size() + 1);
        all.add(now);
        all.addAll(earlierNewestFirst);
        List<AccessRecord> collapsed = AccessHistory.collapse(all, Integer.MAX_VALUE); // newest first
        if (settings > 0) {
            List<AccessRecord> window = within(collapsed, now.accessedAt().minusDays(settingsDays));
            Set<String> distinct = new LinkedHashSet<>();
            window.forEach(a -> distinct.add(a.settingCode()));
            if (distinct.size() >= settings) {
                return new Pattern(Pattern.Kind.SETTINGS, distinct.size(), settingsDays, oldestFirst(window));
            }
        }
        if (repeats > 0) {
            List<AccessRecord> here = within(collapsed, now.accessedAt().minusDays(repeatsDays)).stream()
                    .filter(a -> a.settingCode().equals(now.settingCode())).toList();
            if (here.size() >= repeats) {
                return new Pattern(Pattern.Kind.REPEATS, here.size(), repeatsDays, oldestFirst(here));
            }
        }
        return null;
    }

    private static List<AccessRecord> within(List<AccessRecord> newestFirst, OffsetDateTime since) {
        return newestFirst.stream().filter(a -> !a.accessedAt().isBefore(since)).toList();
    }

    private static List<AccessRecord> oldestFirst(List<AccessRecord> newestFirst) {
        List<AccessRecord> list = new ArrayList<>(newestFirst);
        java.util.Collections.reverse(list);
        return list;
    }
}
