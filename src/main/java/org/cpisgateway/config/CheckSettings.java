package org.cpisgateway.config;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Set;

/** What is checked and how the clerk is answered ({@code cpis.events}, {@code cpis.timezone}, {@code cpis.ack.*}). */
public record CheckSettings(Set<String> events, ZoneId zone, Path mappingsDir, String ackSendingApplication,
                            String ackDefaultVersion) {

    static CheckSettings read(SettingsReader r) {
        return new CheckSettings(r.upperCaseList("cpis.events"), r.zone("cpis.timezone"), r.path("cpis.mappings.dir"),
                r.text("cpis.ack.sending-application"), r.text("cpis.ack.default-version"));
    }
}
