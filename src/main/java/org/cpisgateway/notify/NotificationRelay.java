package org.cpisgateway.notify;

import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;

import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one sender of notifications: delivers what is in the outbox, oldest first, one call at a time (woken by each
 * new attendance and by a timer). Once one notification for an authority fails (broker away), that authority's later
 * ones wait for the next round, so an authority always receives its notifications in the order the attendances were
 * acknowledged; and since nothing else sends, none is sent twice by this gateway (a send that reached the broker
 * but was not marked before a crash is dropped by the broker's duplicate detection).
 */
public class NotificationRelay {

    private static final Logger LOG = LoggerFactory.getLogger(NotificationRelay.class);

    private final NotificationOutbox outbox;
    private final ProducerTemplate producer;
    private final int minAgeSeconds;
    private final org.cpisgateway.ops.GatewayMetrics metrics;
    private final RelayLease lease;

    public NotificationRelay(NotificationOutbox outbox, ProducerTemplate producer, int minAgeSeconds,
                             org.cpisgateway.ops.GatewayMetrics metrics, RelayLease lease) {
        this.metrics = metrics;
        this.lease = lease;
        this.outbox = outbox;
        this.producer = producer;
        this.minAgeSeconds = minAgeSeconds;
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
            producer.sendBody("direct:notify-authority", n);
            if (outbox.isSent(n.notificationId())) {
                delivered++;
                metrics.notificationSent(n.authorityCode());
            } else {
                blocked.add(n.authorityCode());
                metrics.notificationFailed(n.authorityCode());
            }
        }
        if (delivered > 0) {
            LOG.info("Relay delivered {} waiting notification(s)", delivered);
        }
        return delivered;
    }
}
