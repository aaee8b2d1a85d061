package org.cpisgateway.config;

import java.nio.file.Path;

/** The synthetic demo data ({@code cpis.demo.*}): never in a real deployment. */
public record DemoSettings(boolean enabled, Path plansFile, Path brokerUsersFile, Path brokerRolesFile,
                           Path httpUsersFile, Path httpRolesFile) {

    static DemoSettings read(SettingsReader r) {
        return new DemoSettings(r.bool("cpis.demo.enabled"), r.path("cpis.demo.plans-file"),
                r.path("cpis.demo.broker-users-file"), r.path("cpis.demo.broker-roles-file"),
                r.path("cpis.demo.http-users-file"), r.path("cpis.demo.http-roles-file"));
    }
}
