package org.cpisgateway.app;

import java.time.Clock;
import java.time.Duration;

import org.apache.camel.CamelContext;
import org.cpisgateway.config.GatewaySettings;
import org.cpisgateway.delivery.RelayLease;
import org.cpisgateway.pasalert.PasAlertSender;

/**
 * The one PAS alert sender (routes/pas-alerts.camel.yaml): it sends the alerts the attendance flow stored, while this
 * gateway holds the sending lease it shares with the notification sender, and gives up on an alert too old to help.
 */
final class PasAlertWiring {

    private PasAlertWiring() {
    }

    static void wire(CamelContext context, GatewaySettings s, StoreWiring store, RelayLease lease, Clock clock) {
        context.getRegistry().bind("pasAlertSender", new PasAlertSender(store.pasAlerts(),
                context.createProducerTemplate(), lease::held,
                Duration.ofMinutes(s.notifications().pasAlertGiveUpMinutes()), clock));
    }
}
