package org.cpisgateway.config;

import java.nio.file.Path;

/** The broker the notifications go to and the authorities connect to ({@code cpis.broker.*}). */
public record BrokerSettings(boolean embedded, Path dataDir, String acceptor, String inVmUrl, String url, String user,
                             String password, Path usersFile, Path rolesFile, int sessionCacheSize,
                             int memoryBytes, int minDiskFreeMb) {

    static BrokerSettings read(SettingsReader r) {
        BrokerSettings s = new BrokerSettings(r.bool("cpis.broker.embedded"), r.path("cpis.broker.data-dir"),
                r.text("cpis.broker.acceptor"), r.text("cpis.broker.in-vm-url"), r.text("cpis.broker.url"),
                r.text("cpis.broker.user"), r.text("cpis.broker.password"),
                r.path("cpis.broker.security.users-file"), r.path("cpis.broker.security.roles-file"),
                r.integer("cpis.broker.session-cache-size"), r.integer("cpis.broker.memory-bytes"),
                r.integer("cpis.broker.min-disk-free-mb"));
        if (s.memoryBytes() < 1024 * 1024) {
            r.problem("cpis.broker.memory-bytes must be at least 1048576 (1 MB)");
        }
        if (s.minDiskFreeMb() < 1) {
            r.problem("cpis.broker.min-disk-free-mb must be at least 1");
        }
        if (!s.embedded() && s.password().isEmpty()) {
            r.problem("cpis.broker.password is required for an external broker (cpis.broker.embedded = false)");
        }
        return s;
    }
}
