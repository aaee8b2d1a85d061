package org.cpisgateway.app;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.cpisgateway.config.MllpSettings;
import org.cpisgateway.config.OperationsSettings;
import org.cpisgateway.ops.CertificateExpiry;
import org.cpisgateway.ops.GatewayMetrics;
import org.cpisgateway.ops.OperationsView;
import org.cpisgateway.ops.Readiness;
import org.cpisgateway.ops.RouteErrorSupervision;
import org.cpisgateway.reload.ReloadLog;

/** The operations side: Prometheus metrics, health, the operations page's data, the log of live edits. */
record OperationsWiring(PrometheusMeterRegistry prometheus, GatewayMetrics metrics, ReloadLog reloadLog,
                        OperationsView view) {

    static OperationsWiring wire(CamelContext context, OperationsSettings s, StoreWiring store, BrokerWiring broker,
                                 Mappings mappings, String unroutedQueue, MllpSettings.Tls tls, Clock clock,
                                 org.cpisgateway.supervision.Workers workers) {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        prometheus.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                // Camel's per-route timers get histogram buckets too (route latency histograms)
                return id.getName().startsWith("camel.route") || id.getName().startsWith("camel.exchange")
                        ? DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config)
                        : config;
            }
        });
        GatewayMetrics metrics = new GatewayMetrics(prometheus, mappings.settings()::knowsFacility);
        context.getManagementStrategy().addEventNotifier(metrics);
        if (s.routeTimers()) {
            MicrometerRoutePolicyFactory routeTimers = new MicrometerRoutePolicyFactory();
            routeTimers.setMeterRegistry(prometheus);
            // per route only, and none on the MLLP path: each message is timed there already, frame received to ACK
            // ready (cpis.message.processing, by GatewayMetrics from the exchange's own clock), and Camel's policy
            // formats a property name (String.format) at each exchange's start and end: its timer on adt-inbound
            // showed in the MLLP path's CPU and allocation profiles for no information the gateway lacked
            var perRoute = new org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyConfiguration();
            perRoute.setContextEnabled(false);
            perRoute.setExcludePattern("mllp-listener,mllp-tls-listener,adt-inbound,send-ack");
            routeTimers.setPolicyConfiguration(perRoute);
            context.addRoutePolicyFactory(routeTimers);
        }
        // an Error in a route's step fails that exchange and is noted, instead of ending its consumer's thread
        context.getCamelContextExtension().addInterceptStrategy(new RouteErrorSupervision(workers));
        Readiness readiness = new Readiness(context, store.dataSource(), broker.connectionFactory(),
                s.healthTimeoutMs(), workers);
        workers.onEach(w -> {
            io.micrometer.core.instrument.Gauge.builder("cpis.worker.up", w, x -> x.up() ? 1 : 0)
                    .description("1 while the worker runs, 0 while it is down after a failure (restarting)")
                    .tag("worker", w.name()).strongReference(true).register(prometheus);
            io.micrometer.core.instrument.FunctionCounter.builder("cpis.worker.deaths", w,
                            org.cpisgateway.supervision.Workers.Worker::deaths)
                    .description("Times the worker died of an unexpected failure (each is logged at ERROR with its "
                            + "stack trace)").tag("worker", w.name()).register(prometheus);
        });
        OperationsView view = new OperationsView(context, store.messages(), store.outbox(), store.pasAlerts(),
                readiness, clock, BuildInfo.version(),
                unroutedQueue);
        metrics.gauge("cpis.notifications.pending", "Notifications in the outbox not yet delivered (-1: store down)",
                view, OperationsView::pendingNotifications);
        metrics.gauge("cpis.pas.alerts.waiting", "Alerts to PAS systems not yet accepted (-1: store down)",
                view, v -> v.pasAlerts().waiting());
        metrics.gauge("cpis.pas.alerts.given.up", "Alerts to PAS systems given up, too old to help (-1: store down)",
                view, v -> v.pasAlerts().gaveUp());
        metrics.gauge("cpis.mllp.connections.open", "PAS connections open", readiness, Readiness::mllpConnections);
        for (String component : List.of("mllp", "store", "broker", "workers")) {
            io.micrometer.core.instrument.Gauge.builder("cpis.up", readiness, r -> r.up(component))
                    .description("1 while the part answers its readiness check (MLLP listeners accepting, store "
                            + "answering, broker connecting), else 0")
                    .tag("component", component).strongReference(true).register(prometheus);
        }
        if (tls != null) { // the certificate PAS systems and browsers check, for the expiry alert
            CertificateExpiry expiry = new CertificateExpiry(Path.of(tls.keystore()), tls.keystorePassword());
            io.micrometer.core.instrument.Gauge.builder("cpis.tls.certificate.expiry", expiry,
                            CertificateExpiry::notAfterEpochSeconds)
                    .description("When the gateway's TLS certificate (MLLP TLS and HTTPS) stops being valid, seconds "
                            + "since 1970").baseUnit("seconds")
                    .strongReference(true) // nothing else holds it: a weakly held gauge reads NaN after a collection
                    .register(prometheus);
        }
        ReloadLog reloadLog = new ReloadLog(clock);
        var registry = context.getRegistry();
        registry.bind("prometheusRegistry", prometheus);
        registry.bind("readiness", readiness);
        registry.bind("operationsView", view);
        registry.bind("reloadLog", reloadLog);
        registry.bind("messageLog", store.messages());
        return new OperationsWiring(prometheus, metrics, reloadLog, view);
    }
}
