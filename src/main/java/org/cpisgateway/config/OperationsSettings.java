package org.cpisgateway.config;

import java.nio.file.Path;

/**
 * The operations side: HTTP endpoint ({@code camel.server.*}), health, metrics and live edits
 * ({@code cpis.health.*}, {@code cpis.metrics.*}, {@code cpis.reload.*}).
 */
public record OperationsSettings(String httpHost, int httpPort, int healthTimeoutMs, boolean routeTimers,
                                 boolean liveEdits, Path routesDir) {

    static OperationsSettings read(SettingsReader r) {
        return new OperationsSettings(r.text("camel.server.host"), r.integer("camel.server.port"),
                r.integer("cpis.health.timeout-ms"), r.bool("cpis.metrics.route-timers"),
                r.bool("cpis.reload.enabled"), r.path("cpis.reload.routes-dir"));
    }
}
