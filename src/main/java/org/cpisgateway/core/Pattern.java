package org.cpisgateway.core;

import java.util.List;

/**
 * A pattern of attendances that no single setting sees: a flagged child at {@code SETTINGS} different unscheduled
 * settings, or {@code REPEATS} times at one, within a window of days. {@code attendances} are the ones that make it,
 * oldest first (the current one last).
 */
public record Pattern(Kind kind, int count, int days, List<AccessRecord> attendances) {

    public enum Kind { SETTINGS, REPEATS }

    /**
     * Which pattern this is, for telling an authority once: the same kind and count starting from the same
     * attendance is the same pattern; a larger count, or a window that has moved on, is a new one.
     */
    public String key() {
        return kind + "|" + count + "|" + (attendances.isEmpty() ? "" : attendances.get(0).accessedAt().toInstant());
    }

    /** What the clerk reads: "seen at 3 care settings in 30 days" or "4 attendances here in 30 days". */
    public String summary() {
        return kind == Kind.SETTINGS
                ? "seen at " + count + " care settings in " + days + " days"
                : count + " attendances at this setting in " + days + " days";
    }
}
