package org.cpisgateway.delivery;

import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToLongFunction;

import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.cpisgateway.core.Authorities;
import org.cpisgateway.core.DeliveryChannel;
import org.cpisgateway.ops.GatewayMetrics;
import org.cpisgateway.store.DeliveryTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each authority's notifications stand on each of its channels: delivered in the last 24 hours, waiting (not
 * yet tried, or retrying), parked, the age of the oldest undelivered one and the last reason a channel gave. Counted
 * from the store on a timer (so it covers every gateway sharing the store) and kept for the operations view and the
 * metrics ({@code cpis_delivery_*}, labelled by authority and channel kind). Codes and reasons only: no patient data.
 */
public class DeliveryStatus {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryStatus.class);
    private static final int PENDING_READ = 100_000;

    /** One authority's channel. {@code oldestUndeliveredSeconds} is 0 when nothing waits. */
    public record Row(String authority, String channel, String kind, long delivered24h, long waiting, long retrying,
                      long parked, long oldestUndeliveredSeconds, String lastError) {
    }

    private final DeliveryTable deliveries;
    private final Authorities authorities;
    private final Clock clock;
    private final MultiGauge waiting;
    private final MultiGauge retrying;
    private final MultiGauge parked;
    private final MultiGauge oldest;
    private volatile List<Row> rows = List.of();
    private volatile boolean storeAnswered = true;

    public DeliveryStatus(DeliveryTable deliveries, Authorities authorities, GatewayMetrics metrics, Clock clock) {
        this.deliveries = deliveries;
        this.authorities = authorities;
        this.clock = clock;
        var registry = metrics.registry();
        waiting = MultiGauge.builder("cpis.delivery.waiting")
                .description("Notifications not yet delivered on a channel (new or retrying, not parked)")
                .register(registry);
        retrying = MultiGauge.builder("cpis.delivery.retrying")
                .description("Notifications whose delivery on a channel failed and will be tried again")
                .register(registry);
        parked = MultiGauge.builder("cpis.delivery.parked")
                .description("Notifications refused by a channel's receiver, waiting for an operator's retry")
                .register(registry);
        oldest = MultiGauge.builder("cpis.delivery.oldest.undelivered").baseUnit("seconds")
                .description("Age of the oldest notification not yet delivered on a channel (0: none waiting)")
                .register(registry);
    }

    /** The rows as last counted. */
    public List<Row> rows() {
        return rows;
    }

    /** Whether the last count could read the store. */
    public boolean storeAnswered() {
        return storeAnswered;
    }

    /** Counts again from the store and updates the gauges. */
    public synchronized void refresh() {
        OffsetDateTime now = OffsetDateTime.now(clock.withZone(ZoneOffset.UTC));
        List<DeliveryTable.ChannelCounts> counts;
        List<DeliveryTable.Pending> pending;
        try {
            counts = deliveries.counts(now.minusHours(24));
            pending = deliveries.pending(PENDING_READ);
            storeAnswered = true;
        } catch (SQLException storeDown) {
            storeAnswered = false;
            LOG.warn("Delivery status not counted, the store did not answer: {}", storeDown.getClass().getSimpleName());
            return;
        }
        Map<String, DeliveryTable.ChannelCounts> byChannel = new HashMap<>();
        counts.forEach(c -> byChannel.put(c.authority() + " " + c.channel(), c));
        Map<String, long[]> waitingByChannel = new HashMap<>(); // count, oldest created (epoch seconds)
        for (DeliveryTable.Pending p : pending) {
            for (DeliveryChannel channel : authorities.channels(p.authority())) {
                DeliveryTable.State state = p.states().get(channel.uri());
                if (state == null || state == DeliveryTable.State.RETRYING) {
                    long[] w = waitingByChannel.computeIfAbsent(p.authority() + " " + channel.uri(),
                            k -> new long[] {0, Long.MAX_VALUE});
                    w[0]++;
                    w[1] = Math.min(w[1], p.createdAt().toEpochSecond());
                }
            }
        }
        TreeSet<String> codes = new TreeSet<>(authorities.codes());
        pending.forEach(p -> codes.add(p.authority()));
        counts.forEach(c -> codes.add(c.authority()));
        List<Row> fresh = new ArrayList<>();
        for (String code : codes) {
            for (DeliveryChannel channel : authorities.channels(code)) {
                String key = code + " " + channel.uri();
                DeliveryTable.ChannelCounts c = byChannel.get(key);
                long[] w = waitingByChannel.getOrDefault(key, new long[] {0, Long.MAX_VALUE});
                long age = w[0] == 0 ? 0 : Math.max(0, now.toEpochSecond() - w[1]);
                fresh.add(new Row(code, channel.shown(), channel.kind().label(), c == null ? 0 : c.delivered(), w[0],
                        c == null ? 0 : c.retrying(), c == null ? 0 : c.parked(), age,
                        c == null ? null : c.lastError()));
            }
        }
        rows = List.copyOf(fresh);
        waiting.register(gaugeRows(fresh, Row::waiting, false), true);
        retrying.register(gaugeRows(fresh, Row::retrying, false), true);
        parked.register(gaugeRows(fresh, Row::parked, false), true);
        oldest.register(gaugeRows(fresh, Row::oldestUndeliveredSeconds, true), true);
    }

    /** One gauge row per authority and channel kind (two channels of one kind add up; the age is the larger). */
    private static List<MultiGauge.Row<?>> gaugeRows(List<Row> rows, ToLongFunction<Row> value, boolean largest) {
        Map<Tags, Long> byTags = new HashMap<>();
        for (Row r : rows) {
            byTags.merge(Tags.of("authority", r.authority(), "channel", r.kind()), value.applyAsLong(r),
                    largest ? Math::max : Long::sum);
        }
        List<MultiGauge.Row<?>> gauge = new ArrayList<>();
        byTags.forEach((tags, v) -> gauge.add(MultiGauge.Row.of(tags, v)));
        return gauge;
    }
}
