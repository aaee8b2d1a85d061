package org.cpisgateway.config;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Set;

/** What is checked and how the clerk is answered ({@code cpis.events}, {@code cpis.timezone}, {@code cpis.ack.*}). */
public record CheckSettings(Set<String> events, ZoneId zone, Path mappingsDir, String ackSendingApplication,
                            String ackDefaultVersion, int planVisibleMonths, int patternSettings,
                            int patternSettingsDays, int patternRepeats, int patternRepeatsDays) {

    static CheckSettings read(SettingsReader r) {
        return new CheckSettings(r.upperCaseList("cpis.events"), r.zone("cpis.timezone"), r.path("cpis.mappings.dir"),
                r.text("cpis.ack.sending-application"), r.text("cpis.ack.default-version"),
                r.integer("cpis.plans.visible-months-after-end"), r.integer("cpis.patterns.settings"),
                r.integer("cpis.patterns.settings-days"), r.integer("cpis.patterns.repeats"),
                r.integer("cpis.patterns.repeats-days"));
    }

    /** How long after its end a plan still flags the child and stays in the store. */
    public java.time.Period planVisibleAfterEnd() {
        return java.time.Period.ofMonths(planVisibleMonths);
    }
}
