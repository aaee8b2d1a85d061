package org.cpisgateway.config;

import java.nio.file.Path;

/**
 * The operations side: HTTP endpoint ({@code camel.server.*}), health, metrics and live edits
 * ({@code cpis.health.*}, {@code cpis.metrics.*}, {@code cpis.reload.*}), and who may use it ({@code cpis.http.*}).
 */
public record OperationsSettings(String httpHost, int httpPort, int healthTimeoutMs, boolean routeTimers,
                                 boolean liveEdits, Path routesDir, Path usersFile, Path rolesFile, boolean httpTls) {

    static OperationsSettings read(SettingsReader r) {
        return new OperationsSettings(r.text("cpis.http.host"), r.integer("cpis.http.port"),
                r.integer("cpis.health.timeout-ms"), r.bool("cpis.metrics.route-timers"),
                r.bool("cpis.reload.enabled"), r.path("cpis.reload.routes-dir"),
                r.path("cpis.http.users-file"), r.path("cpis.http.roles-file"), r.bool("cpis.http.tls.enabled"));
    }
}
