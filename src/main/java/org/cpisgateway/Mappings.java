package org.cpisgateway;

import java.nio.file.Path;

import org.cpisgateway.mapping.AuthorityDirectory;
import org.cpisgateway.mapping.CareSettingDirectory;
import org.cpisgateway.mapping.NhsNumberLocations;
import org.cpisgateway.mapping.PatternRuleTable;

/** The tables integrators edit in {@code mappings/}, loaded once at start (live edits replace their rows). */
record Mappings(Path dir, AuthorityDirectory authorities, CareSettingDirectory settings,
                NhsNumberLocations locations, PatternRuleTable patterns) {

    static Mappings load(Path dir) {
        return new Mappings(dir, AuthorityDirectory.load(dir.resolve("authorities.csv")),
                CareSettingDirectory.load(dir.resolve("care-settings.csv")),
                NhsNumberLocations.load(dir.resolve("nhs-number-locations.csv")),
                PatternRuleTable.load(dir.resolve("pattern-rules.csv")));
    }
}
