package org.cpisgateway.core;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The access history shown to a clerk: accesses from unscheduled settings, newest first, where repeat accesses by the
 * same setting within 24 hours of the first one collapse into that first one.
 */
public final class AccessHistory {

    public static final Duration REPEAT_WINDOW = Duration.ofHours(24);

    private AccessHistory() {
    }

    /**
     * @param newestFirst accesses as stored, newest first (scheduled ones are skipped)
     * @param max         how many to return at most
     */
    public static List<AccessRecord> collapse(List<AccessRecord> newestFirst, int max) {
        Deque<AccessRecord> kept = new ArrayDeque<>();
        Map<String, AccessRecord> firstOfWindowBySetting = new HashMap<>();
        for (int i = newestFirst.size() - 1; i >= 0; i--) { // oldest first, so each window starts at its first access
            AccessRecord access = newestFirst.get(i);
            if (access.scheduled()) {
                continue;
            }
            AccessRecord first = firstOfWindowBySetting.get(access.settingCode());
            if (first != null && access.accessedAt().isBefore(first.accessedAt().plus(REPEAT_WINDOW))) {
                continue;
            }
            firstOfWindowBySetting.put(access.settingCode(), access);
            kept.addFirst(access);
        }
        List<AccessRecord> result = new ArrayList<>(Math.min(max, kept.size()));
        for (AccessRecord access : kept) {
            if (result.size() == max) {
                break;
            }
            result.add(access);
        }
        return result;
    }
}
