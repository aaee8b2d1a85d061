package org.cpisgateway.app;

import java.time.Duration;
import java.util.List;

import org.apache.camel.CamelContext;
import org.cpisgateway.config.GatewaySettings;
import org.cpisgateway.config.DeliverySettings;
import org.cpisgateway.delivery.DeliverySecrets;
import org.cpisgateway.delivery.DeliveryStatus;
import org.cpisgateway.delivery.FolderDelivery;
import org.cpisgateway.delivery.NotificationRelay;
import org.cpisgateway.delivery.MailDelivery;
import org.cpisgateway.delivery.ParkedDeliveries;
import org.cpisgateway.delivery.SftpDelivery;
import org.cpisgateway.delivery.WebhookDelivery;
import org.cpisgateway.delivery.RelayLease;

/**
 * The one notification sender (routes/notifications.camel.yaml), its channels, and the lease that makes it the one
 * across gateways (the PAS alert sender holds the same lease: PasAlertWiring).
 */
final class DeliveryWiring {

    private DeliveryWiring() {
    }

    /** @return the lease, which the PAS alert sender shares (PasAlertWiring) */
    static RelayLease wire(CamelContext context, GatewaySettings s, StoreWiring store, Mappings mappings,
                     OperationsWiring operations, BrokerWiring broker, List<AutoCloseable> started,
                     java.time.Clock clock, org.cpisgateway.supervision.Workers workers) {
        RelayLease lease = RelayLease.forStore(s.store().url(), s.store().user(), s.store().password());
        if (lease instanceof AutoCloseable closeable) {
            started.add(closeable); // at stop another gateway sharing the store takes over sending
        }
        DeliverySettings d = s.delivery();
        NotificationRelay relay = new NotificationRelay(store.outbox(), store.deliveries(),
                context.createProducerTemplate(), mappings.authorities(), operations.metrics(), lease,
                new NotificationRelay.Settings(s.notifications().retryMinAgeSeconds(),
                        Duration.ofMillis(s.notifications().retryIntervalMs()), d.longestRetry(),
                        s.notifications().unroutedQueue()), clock, broker.connectionFactory(),
                broker::refusingMessages, d.lanes(), workers.worker("delivery-lanes"));
        started.add(relay);
        context.getRegistry().bind("notificationRelay", relay);
        operations.metrics().gauge("cpis.broker.disk.full", "1 while the embedded broker takes no more messages: its "
                + "disk has less free space than cpis.broker.min-disk-free-mb", broker,
                b -> b.refusingMessages() ? 1 : 0);
        DeliverySecrets secrets = new DeliverySecrets(d.secretsFile());
        context.getRegistry().bind("webhookDelivery", new WebhookDelivery(secrets,
                WebhookDelivery.trusting(context, d.webhookTrustStore(), d.webhookTrustStorePassword()),
                d.webhookConnectTimeout(), d.webhookTimeout(), clock));
        context.getRegistry().bind("folderDelivery", new FolderDelivery());
        context.getRegistry().bind("sftpDelivery", new SftpDelivery(secrets, d.sftpKnownHosts()));
        MailDelivery.Settings mail = new MailDelivery.Settings(d.smtpHost(), d.smtpPort(), d.mailFrom(), d.smtpUser(),
                d.smtpPassword(), d.smtpStartTls(), d.mailContent());
        MailDelivery.configure(context, mail);
        context.getRegistry().bind("mailDelivery", new MailDelivery(mail));
        DeliveryStatus status = new DeliveryStatus(store.deliveries(), mappings.authorities(), operations.metrics(),
                clock);
        context.getRegistry().bind("deliveryStatus", status);
        operations.view().showDeliveries(status::rows);
        context.getRegistry().bind("parkedDeliveries", new ParkedDeliveries(store.deliveries(),
                mappings.authorities(), clock));
        return lease;
    }
}
