package org.cpisgateway.app;

import org.cpisgateway.mllp.MllpListeners;

import org.cpisgateway.mllp.MllpTls;

import org.apache.camel.CamelContext;
import org.apache.camel.component.mllp.FramePreservingMllpComponent;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.cpisgateway.config.MllpSettings;
import org.cpisgateway.reload.ReloadGate;

/** The PAS side: camel-mllp (frame-preserving, no patient data in its logs), TLS parameters, the listeners. */
final class MllpWiring {

    private MllpWiring() {
    }

    /** The reasons a limit closes or refuses a connection, each a value of {@code cpis_mllp_closed_total}. */
    static final java.util.List<String> CLOSE_REASONS = java.util.List.of("connections-full", "per-address",
            "evicted-idle", "idle", "frame-timeout", "frame-too-large", "frame-memory");

    static void wire(CamelContext context, MllpSettings s, ReloadGate reloadGate,
                     org.cpisgateway.ops.GatewayMetrics metrics) throws Exception {
        FramePreservingMllpComponent mllp = new FramePreservingMllpComponent();
        mllp.setLogPhi(false);
        mllp.setFrameTimeoutMillis(s.frameTimeoutMs());
        mllp.setMaxFrameBytes(s.maxFrameBytes());
        mllp.setFrameMemoryBytes(s.frameMemoryBytes());
        mllp.setMaxConnectionsPerAddress(s.maxConnectionsPerAddress());
        mllp.setEvictIdleAfterMillis(s.evictIdleAfterMs());
        context.addComponent("mllp", mllp);
        metrics.gauge("cpis.mllp.frame.memory", "Bytes that MLLP frames being received hold, beyond each "
                + "connection's own buffer (limit cpis.mllp.frame-memory-bytes)", mllp, m -> m.frameMemory().used());
        for (String reason : CLOSE_REASONS) {
            io.micrometer.core.instrument.FunctionCounter.builder("cpis.mllp.closed", mllp,
                            m -> m.closedByReason().getOrDefault(reason, 0L))
                    .description("MLLP connections refused or closed by a limit, by reason")
                    .tag("reason", reason).register(metrics.registry());
        }
        MllpSettings.Tls tls = s.tls();
        context.getRegistry().bind("mllpTls", tls.enabled()
                ? MllpTls.parameters(tls.keystore(), tls.keystorePassword(), tls.truststore(), tls.truststorePassword(),
                        tls.clientAuth())
                : new SSLContextParameters()); // the TLS listener is not started
        // the PAS-facing listeners are Java, not a route file: reloading routes/ must never close a connection
        context.addRoutes(new MllpListeners(reloadGate));
    }
}
