package org.cpisgateway.config;

import java.nio.charset.Charset;

/** The PAS-facing MLLP listeners ({@code cpis.mllp.*}). */
public record MllpSettings(String host, int port, Charset defaultCharset, int maxConnections,
                           int maxConnectionsPerAddress, int evictIdleAfterMs, int backlog, int maxFrameBytes,
                           int frameMemoryBytes, int frameTimeoutMs, int receiveTimeoutMs, int idleTimeoutMs,
                           int maxFieldRepetitions, Tls tls) {

    /** The second, TLS listener ({@code cpis.mllp.tls.*}). */
    public record Tls(boolean enabled, int port, String keystore, String keystorePassword, String truststore,
                      String truststorePassword, String clientAuth) {
    }

    static MllpSettings read(SettingsReader r) {
        return new MllpSettings(r.text("cpis.mllp.host"), r.integer("cpis.mllp.port"),
                r.charset("cpis.mllp.default-charset"), r.integer("cpis.mllp.max-connections"),
                r.integer("cpis.mllp.max-connections-per-address"), r.integer("cpis.mllp.evict-idle-after-ms"),
                r.integer("cpis.mllp.backlog"), r.integer("cpis.mllp.max-frame-bytes"),
                r.integer("cpis.mllp.frame-memory-bytes"),
                r.integer("cpis.mllp.frame-timeout-ms"), r.integer("cpis.mllp.receive-timeout-ms"),
                r.integer("cpis.mllp.idle-timeout-ms"), r.integer("cpis.mllp.max-field-repetitions"),
                new Tls(r.bool("cpis.mllp.tls.enabled"), r.integer("cpis.mllp.tls.port"),
                        r.text("cpis.mllp.tls.keystore"), r.text("cpis.mllp.tls.keystore-password"),
                        r.text("cpis.mllp.tls.truststore"), r.text("cpis.mllp.tls.truststore-password"),
                        r.text("cpis.mllp.tls.client-auth")));
    }
}
