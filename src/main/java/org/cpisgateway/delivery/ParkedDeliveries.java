package org.cpisgateway.delivery;

import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.cpisgateway.core.Authorities;
import org.cpisgateway.core.DeliveryChannel;
import org.cpisgateway.core.IsoTime;
import org.cpisgateway.http.OperationsAccess;
import org.cpisgateway.store.DeliveryTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parked notifications for the operations endpoint: the list (ids, channel, reason: no patient data), and the retry
 * an operator asks for once the cause is fixed. Each retry goes to the audit log with the user, the authority, the
 * channel and how many notifications it put back in line.
 */
public class ParkedDeliveries {

    private static final Logger AUDIT = LoggerFactory.getLogger("cpis.audit");
    private static final Logger LOG = LoggerFactory.getLogger(ParkedDeliveries.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Asked for an authority or a channel the gateway does not have: the route answers 404. */
    public static final class NoSuchChannel extends RuntimeException {
        public NoSuchChannel(String message) {
            super(message);
        }
    }

    private final DeliveryTable deliveries;
    private final Authorities authorities;
    private final Clock clock;

    public ParkedDeliveries(DeliveryTable deliveries, Authorities authorities, Clock clock) {
        this.deliveries = deliveries;
        this.authorities = authorities;
        this.clock = clock;
    }

    /** The parked notifications, oldest first, of one authority or (no {@code authority}) of all. */
    public List<Map<String, Object>> list(@Header("authority") String authority, @Header("limit") Integer limit)
            throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (DeliveryTable.Parked p : deliveries.parkedList(authority == null || authority.isBlank() ? null
                : authority, limit == null || limit <= 0 ? 100 : Math.min(limit, 1000))) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("notificationId", p.notificationId());
            row.put("authority", p.authority());
            row.put("channel", shown(p.authority(), p.channel()));
            row.put("reason", p.reason());
            row.put("parkedAt", IsoTime.of(p.parkedAt()));
            rows.add(row);
        }
        return rows;
    }

    /**
     * Puts the authority's parked notifications back in line: on the channel named in header {@code channel} (its
     * kind, e.g. {@code webhook}, or its URI), or on every channel when there is none. Audited.
     */
    public Map<String, Object> retry(Exchange exchange) throws SQLException, JsonProcessingException {
        String authority = exchange.getMessage().getHeader("authority", String.class);
        String wanted = exchange.getMessage().getHeader("channel", String.class);
        if (authority == null || !authorities.knows(authority)) {
            throw new NoSuchChannel("no authority " + authority + " in mappings/authorities.csv");
        }
        List<DeliveryChannel> channels = authorities.channels(authority).stream()
                .filter(c -> wanted == null || wanted.isBlank() || wanted.equals(c.kind().label())
                        || wanted.equals(c.uri()) || wanted.equals(c.shown()))
                .toList();
        if (channels.isEmpty()) {
            throw new NoSuchChannel("authority " + authority + " has no channel " + wanted);
        }
        int retried = 0;
        for (DeliveryChannel channel : channels) {
            retried += deliveries.unpark(authority, channel.uri());
        }
        String user = OperationsAccess.userName(exchange.getMessage().getHeader(OperationsAccess.USER_HEADER));
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("at", clock.instant().toString());
        line.put("action", "retry-parked");
        line.put("user", user);
        line.put("authority", authority);
        line.put("channels", channels.stream().map(DeliveryChannel::shown).toList());
        line.put("notifications", retried);
        AUDIT.info(JSON.writeValueAsString(line));
        LOG.info("{} parked notification(s) of {} put back in line by {}", retried, authority, user);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("authority", authority);
        answer.put("channels", line.get("channels"));
        answer.put("retried", retried);
        return answer;
    }

    private String shown(String authority, String uri) {
        return authorities.channels(authority).stream().filter(c -> c.uri().equals(uri)).findFirst()
                .map(DeliveryChannel::shown).orElseGet(() -> {
                    try {
                        return DeliveryChannel.parse(uri).shown();
                    } catch (IllegalArgumentException notAChannelAnyMore) {
                        return "(channel no longer configured)";
                    }
                });
    }
}
