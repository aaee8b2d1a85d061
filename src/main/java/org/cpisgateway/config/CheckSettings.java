package org.cpisgateway.config;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Set;

/** What is checked and how the clerk is answered ({@code cpis.events}, {@code cpis.timezone}, {@code cpis.ack.*}). */
public record CheckSettings(Set<String> events, ZoneId zone, Path mappingsDir, String ackSendingApplication,
                            String ackDefaultVersion, int planVisibleMonths) {

    static CheckSettings read(SettingsReader r) {
        for (String key : new String[] {"settings", "settings-days", "repeats", "repeats-days"}) {
            r.moved("cpis.patterns." + key, "mappings/pattern-rules.csv (live-editable)");
        }
        return new CheckSettings(r.upperCaseList("cpis.events"), r.zone("cpis.timezone"), r.path("cpis.mappings.dir"),
                r.text("cpis.ack.sending-application"), r.text("cpis.ack.default-version"),
                r.integer("cpis.plans.visible-months-after-end"));
    }

    /** How long after its end a plan still flags the child and stays in the store. */
    public java.time.Period planVisibleAfterEnd() {
        return java.time.Period.ofMonths(planVisibleMonths);
    }
}
