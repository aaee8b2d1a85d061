package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.TextMessage;
import jakarta.jms.JMSRuntimeException;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.cpisgateway.broker.EmbeddedBroker;
import org.junit.jupiter.api.Test;

/**
 * The broker can be away: the gateway runs against a broker outside it, the broker is stopped, attendances keep
 * getting their AA (with ZCS-5 QUEUED: durably queued, which is true), and once the broker is back every
 * notification arrives exactly once and in order for each authority.
 */
public class BrokerOutageTest {

    static final String LA901_CHILD = "9990000018";
    static final String LA902_CHILD = "9990000026";

    @Test
    void notificationsWaitForTheBrokerAndArriveOnceInOrder() throws Exception {
        Path brokerData = TestFolders.temporary("cpis-external-broker");
        int brokerPort = TestPorts.free();
        EmbeddedBroker broker = StandaloneBroker.start(brokerData, brokerPort);
        try (RunningGateway gateway = gatewayOn(brokerPort, 500)) {
            List<String> la901 = new ArrayList<>();
            List<String> la902 = new ArrayList<>();
            la901.add(attend(gateway, LA901_CHILD));
            // the first one is on the broker before it goes away
            Waiting.upTo(Duration.ofSeconds(20))
                    .until(() -> gateway.count("select count(*) from notification_outbox where sent_at is null") == 0);

            broker.stop();
            List<Long> millis = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                long t = System.nanoTime();
                (i % 2 == 0 ? la901 : la902).add(attend(gateway, i % 2 == 0 ? LA901_CHILD : LA902_CHILD));
                millis.add((System.nanoTime() - t) / 1_000_000);
            }
            assertThat(gateway.count("select count(*) from notification_outbox where sent_at is null")).isEqualTo(10);
            // readiness says which part is down; the gateway itself still answers
            String ready = Waiting.upTo(Duration.ofSeconds(10)).until(
                    () -> Http.get(gateway.httpPort, "/observe/health/ready").body(),
                    body -> body.contains("\"broker\":\"DOWN"));
            assertThat(ready).contains("\"status\":\"DOWN\"").contains("\"broker\":\"DOWN")
                    .contains("\"store\":\"UP\"").contains("\"mllp\":\"UP\"");
            assertThat(Http.get(gateway.httpPort, "/observe/health/ready").statusCode()).isEqualTo(503);
            System.out.println("broker outage: ACK round trips (ms) while the broker was stopped: " + millis);

            broker = StandaloneBroker.start(brokerData, brokerPort);
            // one more after the broker is back: it must queue behind the waiting ones, not overtake them
            la901.add(attend(gateway, LA901_CHILD));

            assertThat(AuthorityQueues.controlIds(brokerPort, "LA901", la901.size())).containsExactlyElementsOf(la901);
            assertThat(AuthorityQueues.controlIds(brokerPort, "LA902", la902.size())).containsExactlyElementsOf(la902);
            assertThat(gateway.count("select count(*) from notification_outbox where sent_at is null")).isZero();
            assertThat(Http.get(gateway.httpPort, "/observe/health/ready").statusCode()).isEqualTo(200);
        } finally {
            broker.stop();
        }
    }

    /**
     * Wake-ups coalesce: one waits at most, and the round it starts sends everything recorded before it. So a backlog
     * longer than one batch (200 per channel) must go out from a single wake-up, in order, without the relay's timer
     * (set here to ten minutes, beyond the test).
     */
    @Test
    void aBacklogOfSeveralBatchesGoesOutInOrderFromOneWakeUp() throws Exception {
        Path brokerData = TestFolders.temporary("cpis-external-broker");
        int brokerPort = TestPorts.free();
        EmbeddedBroker broker = StandaloneBroker.start(brokerData, brokerPort);
        try (RunningGateway gateway = gatewayOn(brokerPort, 600_000)) {
            broker.stop();
            List<String> la901 = new ArrayList<>();
            for (int i = 0; i < 450; i++) {
                la901.add(attend(gateway, LA901_CHILD));
            }
            assertThat(gateway.count("select count(*) from notification_outbox where sent_at is null")).isEqualTo(450);

            broker = StandaloneBroker.start(brokerData, brokerPort);
            la901.add(attend(gateway, LA901_CHILD)); // its wake-up is the only one after the broker came back

            assertThat(AuthorityQueues.controlIds(brokerPort, "LA901", la901.size())).containsExactlyElementsOf(la901);
            assertThat(gateway.count("select count(*) from notification_outbox where sent_at is null")).isZero();
        } finally {
            broker.stop();
        }
    }

    /**
     * A crash between the broker's commit of a round and the store's record of it leaves notifications the broker
     * already holds marked as waiting. Sent again in one transaction, their duplicate ids would fail the whole
     * round at every try (Artemis rolls back a transaction holding a duplicate, where it drops a single send
     * quietly); the relay then sends the round one by one, so each arrives once, in order, and the rest are not held.
     */
    @Test
    void aRoundHoldingNotificationsTheBrokerAlreadyHasDeliversEachOnce() throws Exception {
        Path brokerData = TestFolders.temporary("cpis-external-broker");
        int brokerPort = TestPorts.free();
        EmbeddedBroker broker = StandaloneBroker.start(brokerData, brokerPort);
        try (RunningGateway gateway = gatewayOn(brokerPort, 600_000)) {
            broker.stop();
            List<String> la901 = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                la901.add(attend(gateway, LA901_CHILD));
            }
            broker = StandaloneBroker.start(brokerData, brokerPort);
            // the first two as a committed round would have left them, their marks lost
            try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort);
                 JMSContext jms = cf.createContext("cpis-gateway", StandaloneBroker.GATEWAY_PASSWORD);
                 Connection c = gateway.store().getConnection();
                 PreparedStatement ps = c.prepareStatement("select notification_id, payload from notification_outbox "
                         + "where sent_at is null order by id fetch first 2 rows only");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TextMessage copy = jms.createTextMessage(rs.getString(2));
                    copy.setStringProperty("_AMQ_DUPL_ID", rs.getString(1));
                    jms.createProducer().send(jms.createQueue("cpis.notify.LA901"), copy);
                }
            }
            la901.add(attend(gateway, LA901_CHILD)); // its wake-up starts the round

            assertThat(AuthorityQueues.controlIds(brokerPort, "LA901", la901.size())).containsExactlyElementsOf(la901);
            assertThat(gateway.count("select count(*) from notification_outbox where sent_at is null")).isZero();
            String metrics = Http.get(gateway.httpPort, "/observe/metrics").body();
            assertThat(Metrics.value(metrics, "cpis_relay_queue_rounds_total{way=\"one_by_one\"}"))
                    .as("the round fell back to single sends").isGreaterThanOrEqualTo(1);
        } finally {
            broker.stop();
        }
    }

    /**
     * What makes the relay fall back to single sends, pinned: Artemis drops a single send whose duplicate id it has
     * seen, but fails the commit of a transaction holding one, and with it the transaction's other sends.
     */
    @Test
    void artemisFailsATransactionHoldingADuplicateWhereItDropsASingleSend() throws Exception {
        Path brokerData = TestFolders.temporary("cpis-external-broker");
        int brokerPort = TestPorts.free();
        EmbeddedBroker broker = StandaloneBroker.start(brokerData, brokerPort);
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort);
             JMSContext single = cf.createContext("cpis-gateway", StandaloneBroker.GATEWAY_PASSWORD);
             JMSContext transacted = cf.createContext("cpis-gateway", StandaloneBroker.GATEWAY_PASSWORD,
                     JMSContext.SESSION_TRANSACTED)) {
            jakarta.jms.Queue queue = single.createQueue("cpis.notify.LA902");
            TextMessage first = single.createTextMessage("first");
            first.setStringProperty("_AMQ_DUPL_ID", "pinned-1");
            single.createProducer().send(queue, first);
            single.createProducer().send(queue, first); // dropped quietly

            TextMessage again = transacted.createTextMessage("first again");
            again.setStringProperty("_AMQ_DUPL_ID", "pinned-1");
            TextMessage fresh = transacted.createTextMessage("fresh");
            fresh.setStringProperty("_AMQ_DUPL_ID", "pinned-2");
            transacted.createProducer().send(queue, again);
            transacted.createProducer().send(queue, fresh);
            assertThatThrownBy(transacted::commit).isInstanceOf(JMSRuntimeException.class)
                    .hasMessageContaining("Duplicate message detected");

            try (JMSContext reader = cf.createContext("la902-system", "la902-demo-password");
                 JMSConsumer consumer = reader.createConsumer(queue)) {
                List<String> bodies = new ArrayList<>();
                for (TextMessage m; (m = (TextMessage) consumer.receive(2_000)) != null; ) {
                    bodies.add(m.getText());
                }
                assertThat(bodies).containsExactly("first");
            }
        } finally {
            broker.stop();
        }
    }

    /** A gateway using the broker outside it, retrying undelivered notifications every {@code retryMs}. */
    static RunningGateway gatewayOn(int brokerPort, int retryMs) throws Exception {
        return RunningGateway.start("cpis.broker.embedded", "false",
                "cpis.broker.url", "tcp://127.0.0.1:" + brokerPort, "cpis.broker.password", StandaloneBroker.GATEWAY_PASSWORD,
                "cpis.notify.retry-interval-ms", String.valueOf(retryMs), "cpis.notify.retry-min-age-seconds", "0");
    }

    /** Sends one flagged attendance and returns its control ID; the ACK must be AA FLAGGED QUEUED. */
    static String attend(RunningGateway gateway, String nhs) throws Exception {
        String id = Hl7Messages.newControlId();
        List<String> acks = Mllp.exchange(gateway.mllpPort,
                Mllp.frame(Hl7Messages.a04(id, nhs).getBytes(StandardCharsets.UTF_8)), 1, StandardCharsets.UTF_8, 60_000);
        assertThat(acks).hasSize(1);
        AckText ack = AckText.of(acks.get(0));
        assertThat(ack.field("MSA", 1)).isEqualTo("AA");
        assertThat(ack.field("ZCS", 1)).isEqualTo("FLAGGED");
        assertThat(ack.field("ZCS", 5)).isEqualTo("QUEUED");
        return id;
    }
}
