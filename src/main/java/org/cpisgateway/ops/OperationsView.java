package org.cpisgateway.ops;

import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Header;
import org.apache.camel.Route;
import org.cpisgateway.core.IsoTime;
import org.cpisgateway.store.MessageLog;
import org.cpisgateway.store.OutboxTable;
import org.cpisgateway.store.PasAlertTable;

/**
 * What the operations page shows, as JSON: traffic and flag counts per hour from the message journal (so the chart
 * survives restarts and covers every gateway sharing the store), notifications per authority from the outbox, and
 * the state of each route. Counts and codes only: no patient data.
 */
public class OperationsView {

    private final CamelContext context;
    private final MessageLog messages;
    private final OutboxTable outbox;
    private final PasAlertTable pasAlerts;
    private final Readiness readiness;
    private final java.time.Clock clock;
    private final String version;
    private final String unroutedQueue;
    private volatile java.util.function.Supplier<List<?>> deliveries = List::of;
    private volatile java.util.function.Supplier<List<?>> feeds = List::of;

    public OperationsView(CamelContext context, MessageLog messages, OutboxTable outbox, PasAlertTable pasAlerts,
                          Readiness readiness, java.time.Clock clock, String version, String unroutedQueue) {
        this.unroutedQueue = unroutedQueue;
        this.pasAlerts = pasAlerts;
        this.version = version;
        this.context = context;
        this.messages = messages;
        this.outbox = outbox;
        this.readiness = readiness;
        this.clock = clock;
    }

    public Map<String, Object> summary(@Header("hours") Integer hours) throws SQLException {
        int window = hours == null || hours <= 0 ? 24 : Math.min(hours, 24 * 14);
        OffsetDateTime now = OffsetDateTime.now(clock.withZone(ZoneOffset.UTC));
        OffsetDateTime since = now.truncatedTo(ChronoUnit.HOURS).minusHours(window - 1);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("version", version);
        summary.put("generatedAt", IsoTime.of(now));
        summary.put("hours", window);
        List<Map<String, Object>> traffic = new ArrayList<>();
        for (MessageLog.HourCounts h : messages.trafficSince(since, window)) {
            traffic.add(Map.of("hour", h.hour().toString(), "messages", h.messages(), "flagged", h.flagged(),
                    "failed", h.failed()));
        }
        summary.put("traffic", traffic);
        List<Map<String, Object>> notifications = new ArrayList<>();
        for (OutboxTable.AuthorityCounts a : outbox.countsSince(since, unroutedQueue)) {
            notifications.add(Map.of("authority", a.authority(), "delivered", a.delivered(), "unrouted", a.unrouted(),
                    "waiting", a.waiting()));
        }
        summary.put("notifications", notifications);
        summary.put("deliveries", deliveries.get());
        summary.put("feeds", feeds.get());
        PasAlertTable.Counts alerts = pasAlerts.counts();
        summary.put("pasAlerts", Map.of("sent", alerts.sent(), "waiting", alerts.waiting(), "gaveUp", alerts.gaveUp()));
        summary.put("routes", routes());
        summary.put("mllpConnections", readiness.mllpConnections());
        return summary;
    }

    /** Where the delivery view comes from: each authority's channels, counted by the delivery status. */
    public void showDeliveries(java.util.function.Supplier<List<?>> rows) {
        this.deliveries = rows;
    }

    /** Where the feeds view comes from: per care setting, its state, last message and usual traffic now. */
    public void showFeeds(java.util.function.Supplier<List<?>> rows) {
        this.feeds = rows;
    }

    /** Per authority and channel: delivered in 24 h, waiting, retrying, parked, oldest waiting, last reason. */
    public List<?> deliveries() {
        return deliveries.get();
    }

    /** Alerts to PAS systems by state, as long as the store keeps them (gauges; -1 each while the store is down). */
    public PasAlertTable.Counts pasAlerts() {
        try {
            return pasAlerts.counts();
        } catch (SQLException storeDown) {
            return new PasAlertTable.Counts(-1, -1, -1);
        }
    }

    /** Notifications not yet delivered (for the pending gauge; -1 while the store is down). */
    public long pendingNotifications() {
        try {
            return outbox.pendingCount();
        } catch (SQLException storeDown) {
            return -1;
        }
    }

    private List<Map<String, Object>> routes() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Route route : context.getRoutes()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", route.getRouteId());
            row.put("state", String.valueOf(context.getRouteController().getRouteStatus(route.getRouteId())));
            row.put("source", route.getSourceLocationShort() == null ? "" : route.getSourceLocationShort());
            row.put("uptime", route.getUptime());
            rows.add(row);
        }
        rows.sort((a, b) -> String.valueOf(a.get("id")).compareTo(String.valueOf(b.get("id"))));
        return rows;
    }
}
