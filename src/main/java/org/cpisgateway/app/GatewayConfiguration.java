package org.cpisgateway.app;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.cpisgateway.config.GatewaySettings;
import org.cpisgateway.config.SettingsReader;
import org.cpisgateway.delivery.RelayLease;
import org.cpisgateway.reload.ReloadGate;
import org.cpisgateway.upload.UploadRoutes;

/**
 * Wires the gateway: reads {@code conf/application.properties} once into typed settings (each key overridable by a
 * JVM system property or an environment variable, e.g. {@code CPIS_MLLP_PORT}), checks everything they point at,
 * then builds each area in turn (store, broker, operations, HTTP access, the attendance flow, FHIR, delivery, PAS
 * alerts, MLLP, uploads and live edits) and binds the beans the routes in {@code routes/} call by name.
 */
public class GatewayConfiguration implements CamelConfiguration {

    /** The one clock everything asks for the time (in the zone of cpis.timezone once the settings are read). */
    private final Clock baseClock;

    public GatewayConfiguration() {
        this(Clock.systemUTC());
    }

    public GatewayConfiguration(Clock clock) {
        this.baseClock = clock;
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            wire(context, started);
        } catch (Exception e) {
            closeInReverse(started); // a half-started gateway must not keep the JVM alive (the broker's threads would)
            throw e;
        }
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                closeInReverse(started);
            }
        });
    }

    private void wire(CamelContext context, List<AutoCloseable> started) throws Exception {
        SettingsReader reader = new SettingsReader(key -> context.getPropertiesComponent().resolveProperty(key));
        GatewaySettings s = GatewaySettings.read(reader);
        StartupChecks.run(s, reader);
        reader.throwIfAny(); // every configuration problem at once, one line each, before anything starts

        Clock clock = baseClock.withZone(s.check().zone());
        context.getRegistry().bind("clock", clock);
        Mappings mappings = Mappings.load(s.check().mappingsDir());
        org.cpisgateway.supervision.Workers workers = new org.cpisgateway.supervision.Workers();
        context.getRegistry().bind("workers", workers);
        StoreWiring store = StoreWiring.wire(s, clock, started);
        store.journal().workers().forEach(workers::add);
        store.bind(context.getRegistry());
        BrokerWiring broker = BrokerWiring.wire(context, s, mappings.authorities(), started);
        OperationsWiring operations = OperationsWiring.wire(context, s.operations(), store, broker, mappings,
                s.notifications().unroutedQueue(),
                s.mllp().tls().enabled() || s.operations().httpTls() ? s.mllp().tls() : null, clock, workers);
        FeedWiring.wire(context, s.feeds(), mappings, store, operations, clock, workers);
        HttpAccessWiring.Users users = HttpAccessWiring.wire(context, s, clock, store, mappings,
                operations.metrics());
        InboundWiring.Checking checking = InboundWiring.wire(context, s, mappings, store, operations, clock);
        FhirWiring.wire(context, s, mappings, store, checking, users, clock);
        RelayLease lease = DeliveryWiring.wire(context, s, store, mappings, operations, broker, started, clock,
                workers);
        PasAlertWiring.wire(context, s, store, lease, clock);
        ReloadGate reloadGate = new ReloadGate();
        MllpWiring.wire(context, s.mllp(), reloadGate, operations.metrics());
        UploadRoutes uploadRoutes = UploadWiring.wire(context, s, mappings, store, broker, clock);
        LiveEditWiring.wire(context, s, mappings, broker, uploadRoutes, operations.reloadLog(), reloadGate);
    }

    private static void closeInReverse(List<AutoCloseable> started) {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception ignored) {
                // stopping anyway
            }
        }
        started.clear();
    }
}
