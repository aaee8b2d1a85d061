package org.cpisgateway.delivery;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import jakarta.jms.ConnectionFactory;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.cpisgateway.core.Authorities;
import org.cpisgateway.core.DeliveryChannel;
import org.cpisgateway.notify.Notification;
import org.cpisgateway.ops.GatewayMetrics;
import org.cpisgateway.store.DeliveryTable;
import org.cpisgateway.store.OutboxTable;
import org.cpisgateway.supervision.Workers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.connection.JmsTransactionManager;

/**
 * The one sender of notifications: delivers what is in the outbox through each channel of its authority
 * (mappings/authorities.csv, column {@code delivery}), oldest first, one call at a time (woken by each new
 * attendance and by a timer), and records each outcome per channel.
 *
 * <ul>
 *   <li>Each channel is a route: {@code direct:notify-authority} for the queue, {@code direct:deliver-webhook},
 *       {@code -file}, {@code -sftp}, {@code -mail} for the others (routes/notifications.camel.yaml,
 *       routes/delivery.camel.yaml). The route says how it went in headers: nothing (delivered), {@link #NOT_DELIVERED}
 *       (try again later) or {@link #PARKED} (the receiver refused it: an operator retries it once the cause is
 *       fixed); an exception is a try-again.</li>
 *   <li>Order: once a notification waits on a channel, the authority's later ones wait on that channel too, so each
 *       channel receives an authority's notifications in the order the attendances were acknowledged. A parked one is
 *       set aside and does not hold the others back. Channels do not wait for each other.</li>
 *   <li>Backoff: the queue (the gateway's own broker) is tried again at every round; the other channels after the
 *       retry interval, doubling up to the longest interval.</li>
 *   <li>Rounds: the queue sends of a round go to the broker as one transaction, so the broker syncs its journal
 *       once for them (not once per notification), and their delivery rows are written in one store transaction
 *       after the broker's commit. A round that does not go cleanly is rolled back and sent one by one.</li>
 *   <li>Once: nothing else sends (the relay lease picks one gateway among those sharing a store), and a delivery
 *       whose mark was lost in a crash is sent again under the same notification id, by which the broker and a
 *       receiver drop the second copy.</li>
 * </ul>
 */
public class NotificationRelay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NotificationRelay.class);
    /** Set by the queue route to the queue the notification was delivered to. */
    public static final String DELIVERED_TO = "cpisQueue";
    /** Set by a channel route when the send failed and is to be tried again, to why. */
    public static final String NOT_DELIVERED = "cpisNotDelivered";
    /** Set by a channel route when the receiver refused the notification (tried again only by an operator), to why. */
    public static final String PARKED = "cpisParked";
    /** The {@link DeliveryChannel} a channel route is asked to deliver through. */
    public static final String CHANNEL = "cpisChannel";

    private static final int BATCH = 200;

    private final OutboxTable outbox;
    private final DeliveryTable deliveries;
    private final ProducerTemplate producer;
    private final Authorities authorities;
    private final GatewayMetrics metrics;
    private final RelayLease lease;
    private final Settings settings;
    private final Clock clock;
    private final JmsTransactionManager transactions;
    private final BooleanSupplier brokerRefusing;
    private final DeliveryLanes lanes;
    private boolean heldBack;
    private long lastSweep;

    /**
     * @param minAgeSeconds    how old a notification must be before it is sent (0: at once)
     * @param firstRetry       the wait after a channel's first failure (doubling for each one after)
     * @param longestRetry     the longest wait between two tries
     * @param unroutedQueue    where the queue route parks a notification for an authority with no queue
     */
    public record Settings(int minAgeSeconds, Duration firstRetry, Duration longestRetry, String unroutedQueue) {
    }

    /**
     * @param queueConnections the connection factory of the {@code jms} component the queue route sends with; a
     *                         round's queue sends are made as one transaction on it
     * @param brokerRefusing   true while the broker takes no more messages (the embedded broker with its disk full):
     *                         a send would then wait until space is freed, holding up every other channel's round
     *                         and the gateway's stop, so the queues' notifications wait in the store instead
     */
    public NotificationRelay(OutboxTable outbox, DeliveryTable deliveries, ProducerTemplate producer,
                             Authorities authorities, GatewayMetrics metrics, RelayLease lease, Settings settings,
                             Clock clock, ConnectionFactory queueConnections,
                             BooleanSupplier brokerRefusing, int laneThreads, Workers.Worker laneHealth) {
        this.outbox = outbox;
        this.deliveries = deliveries;
        this.producer = producer;
        this.authorities = authorities;
        this.metrics = metrics;
        this.lease = lease;
        this.settings = settings;
        this.clock = clock;
        this.transactions = QueueTransaction.managerFor(queueConnections);
        this.brokerRefusing = brokerRefusing;
        this.lanes = new DeliveryLanes(laneThreads, laneHealth);
    }

    /** Stops the lanes (at shutdown), letting each finish the delivery it is making. */
    @Override
    public void close() {
        lanes.close();
    }

    /**
     * A round woken by attendances that just recorded notifications: their sending is the gateway's normal work, so
     * it is logged at DEBUG only (with every attendance flagged that would be dozens of lines a second).
     *
     * @return how many channel deliveries succeeded in this round
     */
    public int sendNew() throws SQLException {
        int delivered = deliverPending();
        if (delivered > 0) {
            LOG.debug("Relay sent {} new notification(s)", delivered);
        }
        return delivered;
    }

    /**
     * A timer round: what it delivers had waited (the broker or a channel was away, the gateway stopped before
     * sending, a retry came due), which an operator wants to see at INFO.
     *
     * @return how many channel deliveries succeeded in this round
     */
    public int retryWaiting() throws SQLException {
        int delivered = deliverPending();
        if (delivered > 0) {
            LOG.info("Relay delivered {} waiting notification(s)", delivered);
        }
        return delivered;
    }

    /**
     * Delivers what waits on the authorities' queues, a batch per authority at a time, and goes on while a pass
     * delivered a full batch's worth: one wake-up stands for every notification recorded before it
     * (routes/notifications.camel.yaml), however many. The other channels (webhook, folder, SFTP, mail) are woken in
     * lanes of their own ({@link DeliveryLanes}), one per authority and channel, so that a slow or hanging receiver
     * holds up only its own lane.
     *
     * @return how many queue deliveries succeeded in this round
     */
    public synchronized int deliverPending() throws SQLException {
        if (!lease.held()) {
            return 0; // another gateway sharing the store sends (PostgreSQL); it will pick these up
        }
        completeWhereEveryChannelDelivered();
        int delivered = 0;
        int pass;
        do {
            List<String> waiting = deliveries.authoritiesWaiting();
            pass = deliverOnQueues(waiting);
            for (String authority : waiting) {
                for (DeliveryChannel channel : authorities.channels(authority)) {
                    if (channel.kind() != DeliveryChannel.Kind.QUEUE) {
                        lanes.wake(authority + " " + channel.uri(), () -> deliverInLane(authority, channel));
                    }
                }
            }
            delivered += pass;
            // each pass marks what it delivered, so the passes end; the lease is checked again before each, as
            // another gateway may take it if this one's store connection was lost meanwhile
        } while (pass >= BATCH && lease.held());
        return delivered;
    }

    /** One lane's work: the authority's notifications waiting on {@code channel}, batch after batch, in order. */
    private void deliverInLane(String authority, DeliveryChannel channel) throws SQLException {
        int pass;
        do {
            List<DeliveryChannel> channels = authorities.channels(authority);
            if (!channels.contains(channel) || !lease.held()) {
                return; // taken out of mappings/authorities.csv meanwhile, or another gateway sends now
            }
            pass = deliverOn(authority, channel, channels);
            if (pass > 0) {
                LOG.debug("Lane {} {} delivered {} notification(s)", authority, channel.shown(), pass);
            }
        } while (pass >= BATCH);
    }

    /** True while no delivery lane is running (for tests and a clean stop). */
    public boolean lanesIdle() {
        return lanes.idle();
    }

    /**
     * The round's sends to the authorities' queues. First as one broker transaction, recorded in the store once the
     * broker has committed it; a round that meets anything but a clean send (a failure, a parked notification, a
     * commit the broker refuses: for one, a notification it already holds from before a crash, whose duplicate id
     * fails a transaction where a single send is dropped quietly) is rolled back and sent again one by one, each
     * outcome recorded as it comes, as every other channel is.
     */
    private int deliverOnQueues(List<String> waiting) throws SQLException {
        if (waiting.isEmpty()) {
            return 0; // a timer round with nothing to send asks nothing of the broker
        }
        if (brokerRefusing.getAsBoolean()) {
            if (!heldBack) {
                heldBack = true;
                LOG.warn("The broker takes no more messages (its disk has less free space than "
                        + "cpis.broker.min-disk-free-mb): notifications for the authorities' queues wait in the store "
                        + "until space is freed; the other channels go on");
            }
            return 0;
        }
        if (heldBack) {
            heldBack = false;
            LOG.info("The broker takes messages again: the notifications waiting for the authorities' queues are sent");
        }
        List<Sent> sent = new ArrayList<>();
        boolean clean = true;
        try (QueueTransaction tx = QueueTransaction.begin(transactions)) {
            for (String authority : waiting) {
                clean = sendInTransaction(authority, sent);
                if (!clean) {
                    break;
                }
            }
            if (clean && !sent.isEmpty()) {
                tx.commit();
            }
        } catch (RuntimeException e) {
            clean = false; // the broker away (the sends one by one say so, per authority) or the commit refused
            if (!sent.isEmpty()) {
                LOG.info("Relay round not committed by the broker, sending its {} notification(s) one by one: {}",
                        sent.size(), reason(e));
            }
        }
        if (clean) {
            if (!sent.isEmpty()) {
                metrics.relayRound("transaction");
            }
            recordDelivered(sent);
            return sent.size();
        }
        metrics.relayRound("one_by_one");
        int delivered = 0;
        for (String authority : waiting) {
            List<DeliveryChannel> channels = authorities.channels(authority);
            if (channels.contains(DeliveryChannel.QUEUE)) {
                delivered += deliverOn(authority, DeliveryChannel.QUEUE, channels);
            }
        }
        return delivered;
    }

    /**
     * A notification delivered on {@code channel}, to {@code to} (the queue, or the channel as shown), among its
     * authority's {@code channels}: recorded at once, or, sent in a round's transaction, once the broker commits it.
     */
    private record Sent(DeliveryTable.Waiting waiting, DeliveryChannel channel, String to, List<String> channels) {
    }

    /** Adds the authority's waiting notifications to the round's transaction; false at the first one not sent. */
    private boolean sendInTransaction(String authority, List<Sent> sent) throws SQLException {
        List<DeliveryChannel> channels = authorities.channels(authority);
        if (!channels.contains(DeliveryChannel.QUEUE)) {
            return true;
        }
        List<String> uris = channels.stream().map(DeliveryChannel::uri).toList();
        OffsetDateTime now = OffsetDateTime.now(clock.withZone(ZoneOffset.UTC));
        for (DeliveryTable.Waiting waiting : deliveries.waiting(authority, DeliveryChannel.QUEUE.uri(),
                settings.minAgeSeconds(), BATCH)) {
            if (waiting.nextAttemptAt() != null && waiting.nextAttemptAt().isAfter(now)) {
                return true; // waits out its backoff; the later ones keep their place behind it
            }
            Notification n = waiting.notification();
            Exchange result = send(DeliveryChannel.QUEUE, n);
            if (result.getException() != null || result.getMessage().getHeader(NOT_DELIVERED) != null
                    || result.getMessage().getHeader(PARKED) != null) {
                return false;
            }
            sent.add(new Sent(waiting, DeliveryChannel.QUEUE,
                    result.getMessage().getHeader(DELIVERED_TO, n.queueName(), String.class), uris));
        }
        return true;
    }

    /**
     * Records deliveries in one store transaction: each delivery row, and the outbox row of each notification now
     * delivered on every channel of its authority.
     */
    private void recordDelivered(List<Sent> sent) throws SQLException {
        List<DeliveryTable.Delivered> rows = new ArrayList<>(sent.size());
        for (Sent s : sent) {
            boolean unrouted = settings.unroutedQueue().equals(s.to());
            rows.add(new DeliveryTable.Delivered(s.waiting(), s.channel().uri(), s.channels(), s.to(),
                    unrouted ? "no queue for authority" : null));
        }
        deliveries.delivered(rows);
        for (Sent s : sent) {
            Notification n = s.waiting().notification();
            metrics.notificationSent(n.authorityCode(), s.channel().kind().label());
            if (settings.unroutedQueue().equals(s.to())) {
                logUnrouted(n, s.to());
            }
        }
    }

    private Exchange send(DeliveryChannel channel, Notification n) {
        return producer.send(route(channel), e -> {
            e.getMessage().setBody(n);
            e.getMessage().setHeader(CHANNEL, channel);
        });
    }

    private static void logUnrouted(Notification n, String queue) {
        LOG.error("Notification {} for authority {} sent to {}: the broker has no queue for that authority. "
                + "Add the authority (docs/authorities.md) and move the message on.", n.notificationId(),
                n.authorityCode(), queue);
    }

    private int deliverOn(String authority, DeliveryChannel channel, List<DeliveryChannel> all) throws SQLException {
        List<String> uris = all.stream().map(DeliveryChannel::uri).toList();
        int delivered = 0;
        OffsetDateTime now = OffsetDateTime.now(clock.withZone(ZoneOffset.UTC));
        for (DeliveryTable.Waiting waiting : deliveries.waiting(authority, channel.uri(), settings.minAgeSeconds(),
                BATCH)) {
            if (waiting.nextAttemptAt() != null && waiting.nextAttemptAt().isAfter(now)) {
                return delivered; // still waiting out its backoff: the later ones keep their place behind it
            }
            Notification n = waiting.notification();
            Exchange sent = send(channel, n);
            String retry = sent.getException() != null ? reason(sent.getException())
                    : sent.getMessage().getHeader(NOT_DELIVERED, String.class);
            String parked = sent.getMessage().getHeader(PARKED, String.class);
            String kind = channel.kind().label();
            if (retry != null) {
                Duration wait = backoff(channel, waiting.attempts() + 1);
                LOG.warn("Notification {} for authority {} not delivered by {} yet, tried again in {} ms: {}",
                        n.notificationId(), authority, channel.shown(), wait.toMillis(), retry);
                deliveries.retrying(waiting, channel.uri(), retry, now.plus(wait));
                metrics.notificationFailed(authority, kind);
                return delivered; // keep the authority's order on this channel
            }
            if (parked != null) {
                LOG.error("Notification {} for authority {} refused by {}, parked until an operator retries it: {}",
                        n.notificationId(), authority, channel.shown(), parked);
                deliveries.parked(waiting, channel.uri(), parked);
                metrics.notificationParked(authority, kind);
                continue;
            }
            String to = channel.kind() == DeliveryChannel.Kind.QUEUE
                    ? sent.getMessage().getHeader(DELIVERED_TO, n.queueName(), String.class) : channel.shown();
            recordDelivered(List.of(new Sent(waiting, channel, to, uris)));
            delivered++;
        }
        return delivered;
    }

    /**
     * A notification delivered on every channel its authority has now, but not marked so (a channel it waited on was
     * taken out of mappings/authorities.csv since), is done: looked for once a minute.
     */
    private void completeWhereEveryChannelDelivered() throws SQLException {
        if (clock.millis() - lastSweep < 60_000) {
            return;
        }
        lastSweep = clock.millis();
        for (DeliveryTable.Pending p : deliveries.pending(10_000)) {
            boolean done = authorities.channels(p.authority()).stream()
                    .allMatch(c -> p.states().get(c.uri()) == DeliveryTable.State.DELIVERED);
            if (done) {
                outbox.markDelivered(p.notificationId(), null, null);
            }
        }
    }

    /** The exception and, when another lies beneath it, its root cause (e.g. the SFTP library's "reject HostKey"). */
    static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String top = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return root == e ? top : top + " (" + root.getClass().getSimpleName()
                + (root.getMessage() == null ? "" : ": " + root.getMessage()) + ")";
    }

    private static String route(DeliveryChannel channel) {
        return channel.kind() == DeliveryChannel.Kind.QUEUE ? "direct:notify-authority"
                : "direct:deliver-" + channel.kind().label();
    }

    /** The wait before the {@code attempt}-th try: none for the queue, else doubling from the first retry. */
    Duration backoff(DeliveryChannel channel, int attempt) {
        if (channel.kind() == DeliveryChannel.Kind.QUEUE) {
            return Duration.ZERO;
        }
        Duration wait = settings.firstRetry().multipliedBy(1L << Math.min(20, Math.max(0, attempt - 1)));
        return wait.compareTo(settings.longestRetry()) > 0 ? settings.longestRetry() : wait;
    }
}
