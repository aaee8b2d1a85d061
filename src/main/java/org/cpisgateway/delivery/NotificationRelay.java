package org.cpisgateway.delivery;

import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.cpisgateway.notify.Notification;
import org.cpisgateway.ops.GatewayMetrics;
import org.cpisgateway.store.OutboxTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one sender of notifications: delivers what is in the outbox, oldest first, one call at a time (woken by each
 * new attendance and by a timer), through {@code direct:notify-authority} (routes/notifications.camel.yaml), and
 * records each outcome in the outbox. Once one notification for an authority fails (broker away), that authority's
 * later ones wait for the next round, so an authority always receives its notifications in the order the
 * attendances were acknowledged; and since nothing else sends, none is sent twice by this gateway (a send that
 * reached the broker but was not marked before a crash is dropped by the broker's duplicate detection).
 */
public class NotificationRelay {

    private static final Logger LOG = LoggerFactory.getLogger(NotificationRelay.class);
    /** Set by the route to the queue the notification was delivered to. */
    public static final String DELIVERED_TO = "cpisQueue";
    /** Set by the route when the send failed, to why. */
    public static final String NOT_DELIVERED = "cpisNotDelivered";

    private final OutboxTable outbox;
    private final ProducerTemplate producer;
    private final int minAgeSeconds;
    private final GatewayMetrics metrics;
    private final RelayLease lease;
    private final String unroutedQueue;

    public NotificationRelay(OutboxTable outbox, ProducerTemplate producer, int minAgeSeconds, GatewayMetrics metrics,
                             RelayLease lease, String unroutedQueue) {
        this.outbox = outbox;
        this.producer = producer;
        this.minAgeSeconds = minAgeSeconds;
        this.metrics = metrics;
        this.lease = lease;
        this.unroutedQueue = unroutedQueue;
    }

    /** @return how many were delivered in this round */
    public synchronized int deliverPending() throws SQLException {
        if (!lease.held()) {
            return 0; // another gateway sharing the store sends (PostgreSQL); it will pick these up
        }
        Set<String> blocked = new HashSet<>();
        int delivered = 0;
        for (Notification n : outbox.pending(500, minAgeSeconds)) {
            if (blocked.contains(n.authorityCode())) {
                continue;
            }
            Exchange sent = producer.send("direct:notify-authority", e -> e.getMessage().setBody(n));
            String error = sent.getException() != null
                    ? sent.getException().getClass().getSimpleName() + ": " + sent.getException().getMessage()
                    : sent.getMessage().getHeader(NOT_DELIVERED, String.class);
            if (error != null) {
                LOG.warn("Notification {} for authority {} not delivered yet, kept for retry: {}", n.notificationId(),
                        n.authorityCode(), error);
                outbox.markFailed(n.notificationId(), error);
                blocked.add(n.authorityCode());
                metrics.notificationFailed(n.authorityCode());
                continue;
            }
            String queue = sent.getMessage().getHeader(DELIVERED_TO, n.queueName(), String.class);
            if (unroutedQueue.equals(queue)) {
                LOG.error("Notification {} for authority {} sent to {}: the broker has no queue for that authority. "
                        + "Add the authority (docs/authorities.md) and move the message on.", n.notificationId(),
                        n.authorityCode(), queue);
                outbox.markDelivered(n.notificationId(), queue, "no queue for authority");
            } else {
                outbox.markDelivered(n.notificationId(), queue, null);
            }
            delivered++;
            metrics.notificationSent(n.authorityCode());
        }
        if (delivered > 0) {
            LOG.info("Relay delivered {} waiting notification(s)", delivered);
        }
        return delivered;
    }
}
