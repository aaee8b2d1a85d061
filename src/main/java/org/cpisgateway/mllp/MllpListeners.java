package org.cpisgateway.mllp;

import org.apache.camel.builder.RouteBuilder;
import org.cpisgateway.reload.ReloadGate;

/**
 * The PAS-facing MLLP listeners: plain and (when {@code cpis.mllp.tls.enabled}) TLS. Each only hands the frame to
 * {@code direct:adt-inbound} (routes/adt-inbound.camel.yaml), where everything else happens, through the
 * {@link org.cpisgateway.reload.ReloadGate}.
 *
 * <p>They are here rather than in {@code routes/} on purpose: a route file in {@code routes/} can be edited and is
 * reloaded while the gateway runs, and restarting a listener would close every open PAS connection. Their settings
 * are all in {@code conf/application.properties} ({@code cpis.mllp.*}).
 */
public class MllpListeners extends RouteBuilder {

    private static final String OPTIONS = "autoAck=false&hl7Headers=false&stringPayload=false&validatePayload=false"
            + "&requireEndOfData=false&charsetName={{cpis.mllp.default-charset}}"
            + "&maxConcurrentConsumers={{cpis.mllp.max-connections}}&backlog={{cpis.mllp.backlog}}"
            // rebind at once after a crash, even while old connections linger in TIME_WAIT
            + "&reuseAddress=true&receiveTimeout={{cpis.mllp.receive-timeout-ms}}"
            + "&idleTimeout={{cpis.mllp.idle-timeout-ms}}";

    /**
     * The shared error handling of routes/error-handling.camel.yaml (FailurePolicy): what the inbound route does not
     * answer itself, e.g. a frame that meets adt-inbound just as a live edit replaces it, is answered the same way.
     */
    static final String FAILURES = "answer-every-message";

    private final ReloadGate gate;

    public MllpListeners(ReloadGate gate) {
        this.gate = gate;
    }

    @Override
    public void configure() {
        throughReloadGate(from("mllp:{{cpis.mllp.host}}:{{cpis.mllp.port}}?" + OPTIONS)
                .routeId("mllp-listener")
                .routeConfigurationId(FAILURES));

        throughReloadGate(from("mllp:{{cpis.mllp.host}}:{{cpis.mllp.tls.port}}?sslContextParameters=#mllpTls&" + OPTIONS)
                .routeId("mllp-tls-listener")
                .routeConfigurationId(FAILURES)
                .autoStartup("{{cpis.mllp.tls.enabled}}"));
    }

    /**
     * The listener's own steps: a live reload of the routes in routes/ waits for frames in progress, and frames wait
     * for it (ReloadGate). The gate is left when adt-inbound has answered, before camel-mllp writes the ACK.
     */
    private void throughReloadGate(org.apache.camel.model.RouteDefinition listener) {
        listener.process(gate::enter)
                .doTry()
                    .to("direct:adt-inbound")
                .doFinally()
                    .process(gate::leave)
                .end();
    }
}
