package org.cpisgateway.ops;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.Header;
import org.apache.camel.Route;

/**
 * What the operations page shows, as JSON: traffic and flag counts per hour from the message journal (so the chart
 * survives restarts and covers every gateway sharing the store), notifications per authority from the outbox, and
 * the state of each route. Counts and codes only: no patient data.
 */
public class OperationsView {

    private final CamelContext context;
    private final DataSource store;
    private final Readiness readiness;

    private final java.time.Clock clock;

    public OperationsView(CamelContext context, DataSource store, Readiness readiness, java.time.Clock clock) {
        this.clock = clock;
        this.context = context;
        this.store = store;
        this.readiness = readiness;
    }

    public Map<String, Object> summary(@Header("hours") Integer hours) throws SQLException {
        int window = hours == null || hours <= 0 ? 24 : Math.min(hours, 24 * 14);
        OffsetDateTime since = OffsetDateTime.now(clock.withZone(ZoneOffset.UTC)).truncatedTo(ChronoUnit.HOURS).minusHours(window - 1);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("generatedAt", OffsetDateTime.now(clock.withZone(ZoneOffset.UTC)).toString());
        summary.put("hours", window);
        summary.put("traffic", traffic(since, window));
        summary.put("notifications", notifications(since));
        summary.put("routes", routes());
        summary.put("mllpConnections", readiness.mllpConnections());
        return summary;
    }

    /** One row per hour (oldest first, empty hours included): messages, flagged, AE/AR answers. */
    private List<Map<String, Object>> traffic(OffsetDateTime since, int window) throws SQLException {
        Map<OffsetDateTime, long[]> byHour = new LinkedHashMap<>();
        for (int i = 0; i < window; i++) {
            byHour.put(since.plusHours(i), new long[3]);
        }
        try (Connection c = store.getConnection();
             PreparedStatement ps = c.prepareStatement("select received_at, flag_result, ack_code from inbound_message "
                     + "where received_at >= ?")) {
            ps.setObject(1, since);
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    OffsetDateTime hour = rs.getObject(1, OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC)
                            .truncatedTo(ChronoUnit.HOURS);
                    long[] counts = byHour.get(hour);
                    if (counts == null) {
                        continue;
                    }
                    counts[0]++;
                    if ("FLAGGED".equals(rs.getString(2))) {
                        counts[1]++;
                    }
                    String ack = rs.getString(3);
                    if ("AE".equals(ack) || "AR".equals(ack)) {
                        counts[2]++;
                    }
                }
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        byHour.forEach((hour, counts) -> rows.add(Map.of("hour", hour.toString(), "messages", counts[0],
                "flagged", counts[1], "failed", counts[2])));
        return rows;
    }

    /** Per authority: delivered since {@code since}, and still waiting (any age). */
    private List<Map<String, Object>> notifications(OffsetDateTime since) throws SQLException {
        try (Connection c = store.getConnection();
             PreparedStatement ps = c.prepareStatement("select authority_code, "
                     + "sum(case when sent_at is not null and delivered_to = queue_name then 1 else 0 end), "
                     + "sum(case when sent_at is not null and delivered_to <> queue_name then 1 else 0 end), "
                     + "sum(case when sent_at is null then 1 else 0 end) "
                     + "from notification_outbox where created_at >= ? or sent_at is null "
                     + "group by authority_code order by authority_code")) {
            ps.setObject(1, since);
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(Map.of("authority", rs.getString(1), "delivered", rs.getLong(2),
                            "unrouted", rs.getLong(3), "waiting", rs.getLong(4)));
                }
            }
            return rows;
        }
    }

    /** Notifications not yet delivered (for the pending gauge). */
    public long pendingNotifications() {
        try (Connection c = store.getConnection();
             PreparedStatement ps = c.prepareStatement("select count(*) from notification_outbox where sent_at is null");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
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
