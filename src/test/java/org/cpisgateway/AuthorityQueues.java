package org.cpisgateway;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/** An authority's notification queue read as its system reads it: over TCP, logged in as the demo authority user. */
public final class AuthorityQueues {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AuthorityQueues() {
    }

    /**
     * The control IDs of the attendances notified on {@code cpis.notify.<authority>}, in the order they arrive:
     * up to 20 s for each while fewer than {@code expected} have come, then until nothing more comes for two seconds
     * (the relay sends a round as one transaction: a notification too many would come with or just after the last
     * one expected, not seconds later).
     */
    public static List<String> controlIds(int brokerPort, String authority, int expected) throws Exception {
        List<String> ids = new ArrayList<>();
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort);
             JMSContext jms = login(cf, authority);
             JMSConsumer consumer = jms.createConsumer(jms.createQueue("cpis.notify." + authority))) {
            for (TextMessage m; (m = (TextMessage) consumer.receive(ids.size() < expected ? 20_000 : 2_000)) != null; ) {
                ids.add(controlId(m));
            }
        }
        return ids;
    }

    /**
     * LA901's notifications counted by control ID, read until nothing has arrived for five seconds: the relay sends
     * what waits in rounds that follow one another without pause, so a five-second silence means the queue is done
     * (and a notification sent twice would show as a count of 2).
     */
    public static Map<String, Integer> drainLa901(int brokerPort) throws Exception {
        Map<String, Integer> count = new HashMap<>();
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort);
             JMSContext jms = login(cf, "LA901");
             JMSConsumer consumer = jms.createConsumer(jms.createQueue("cpis.notify.LA901"))) {
            for (TextMessage m; (m = (TextMessage) consumer.receive(5000)) != null; ) {
                count.merge(controlId(m), 1, Integer::sum);
            }
        }
        return count;
    }

    private static JMSContext login(ActiveMQConnectionFactory cf, String authority) {
        String lower = authority.toLowerCase(java.util.Locale.ROOT);
        return cf.createContext(lower + "-system", lower + "-demo-password");
    }

    private static String controlId(TextMessage m) throws Exception {
        return JSON.readTree(m.getText()).at("/source/messageControlId").asText();
    }
}
