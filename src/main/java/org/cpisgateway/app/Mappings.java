package org.cpisgateway.app;

import java.nio.file.Path;

import org.cpisgateway.hl7.HapiSetup;
import org.cpisgateway.mapping.AuthorityDirectory;
import org.cpisgateway.mapping.CareSettingDirectory;
import org.cpisgateway.mapping.NhsNumberLocations;
import org.cpisgateway.mapping.PatternRuleTable;
import org.cpisgateway.pasalert.PasAlerts;

/** The tables integrators edit in {@code mappings/}, loaded once at start (live edits replace their rows). */
public record Mappings(Path dir, AuthorityDirectory authorities, CareSettingDirectory settings,
                NhsNumberLocations locations, PatternRuleTable patterns, PasAlerts pasAlerts) {

    public static Mappings load(Path dir) {
        AuthorityDirectory authorities = AuthorityDirectory.load(dir.resolve("authorities.csv"));
        return new Mappings(dir, authorities, CareSettingDirectory.load(dir.resolve("care-settings.csv")),
                NhsNumberLocations.load(dir.resolve("nhs-number-locations.csv")),
                PatternRuleTable.load(dir.resolve("pattern-rules.csv")), loadPasAlerts(dir, authorities));
    }

    static PasAlerts loadPasAlerts(Path dir, AuthorityDirectory authorities) {
        return PasAlerts.load(dir, HapiSetup.lenientContext(), authorities);
    }
}
