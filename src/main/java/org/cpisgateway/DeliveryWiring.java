package org.cpisgateway;

import java.util.List;

import org.apache.camel.CamelContext;
import org.cpisgateway.config.GatewaySettings;
import org.cpisgateway.delivery.NotificationRelay;
import org.cpisgateway.delivery.RelayLease;
import org.cpisgateway.pasalert.PasAlertSender;

/**
 * The one notification sender (routes/notifications.camel.yaml), the one PAS alert sender (routes/pas-alerts.camel.yaml)
 * and the lease that makes each one across gateways.
 */
final class DeliveryWiring {

    private DeliveryWiring() {
    }

    static void wire(CamelContext context, GatewaySettings s, StoreWiring store, OperationsWiring operations,
                     List<AutoCloseable> started, java.time.Clock clock) {
        RelayLease lease = RelayLease.forStore(s.store().url(), s.store().user(), s.store().password());
        if (lease instanceof AutoCloseable closeable) {
            started.add(closeable); // at stop another gateway sharing the store takes over sending
        }
        context.getRegistry().bind("notificationRelay", new NotificationRelay(store.outbox(),
                context.createProducerTemplate(), s.notifications().retryMinAgeSeconds(), operations.metrics(), lease,
                s.notifications().unroutedQueue()));
        context.getRegistry().bind("pasAlertSender", new PasAlertSender(store.pasAlerts(),
                context.createProducerTemplate(), lease::held,
                java.time.Duration.ofMinutes(s.notifications().pasAlertGiveUpMinutes()), clock));
    }
}
