package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

/**
 * The gateway against an Artemis primary/backup pair (shared store, two brokers on loopback ports, as README's
 * deployment section describes): the primary is stopped while four PAS connections keep sending flagged
 * attendances; the backup takes over, the gateway's client fails over, and every acknowledged attendance's
 * notification arrives exactly once, each connection's in the order acknowledged.
 */
class ArtemisFailoverTest {

    static final String CPP_CHILD = "9990000018"; // plan held by LA901

    @Test
    void stoppingThePrimaryUnderLoadLosesAndDuplicatesNothing() throws Exception {
        Path shared = TestFolders.temporary("cpis-ha-store");
        int primaryPort = TestPorts.free();
        int backupPort = TestPorts.free();
        EmbeddedActiveMQ primary = SharedStoreBroker.create("primary", shared, primaryPort, backupPort, true);
        primary.start();
        for (String queue : List.of("cpis.notify.LA901", "cpis.notify.LA902", "cpis.unrouted")) {
            primary.getActiveMQServer().createQueue(QueueConfiguration.of(queue).setAddress(queue)
                    .setRoutingType(RoutingType.ANYCAST).setDurable(true), true);
        }
        EmbeddedActiveMQ backup = SharedStoreBroker.create("backup", shared, backupPort, primaryPort, false);
        backup.start(); // waits on the shared store's lock as a backup
        String url = "(tcp://127.0.0.1:" + primaryPort + ",tcp://127.0.0.1:" + backupPort
                + ")?ha=true&reconnectAttempts=-1&retryInterval=200&initialConnectAttempts=10";
        List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
        List<List<String>> perConnection = new ArrayList<>();
        int connections = 4;
        int perSender = 40;
        int stopAfter = 50;
        try (RunningGateway gateway = RunningGateway.start("cpis.broker.embedded", "false", "cpis.broker.url", url,
                "cpis.broker.password", "ha-test", "cpis.notify.retry-interval-ms", "300")) {
            List<Thread> senders = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int s = 0; s < connections; s++) {
                List<String> mine = new ArrayList<>();
                perConnection.add(mine);
                Pas pas = Pas.connect(gateway.mllpPort); // four real TCP connections
                Thread sender = new Thread(() -> {
                    try {
                        for (int i = 0; i < perSender; i++) {
                            String id = Hl7Messages.newControlId();
                            Message ack = pas.send(Hl7Messages.a04(id, CPP_CHILD));
                            if ("AA".equals(new Terser(ack).get("/MSA-1"))) {
                                acknowledged.add(id);
                                mine.add(id);
                            }
                            Waiting.pace(Duration.ofMillis(10)); // the PAS's pace
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    } finally {
                        try {
                            pas.close();
                        } catch (Exception ignored) {
                            // closing a test client
                        }
                    }
                });
                senders.add(sender);
                sender.start();
            }
            Waiting.upTo(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(5))
                    .until(() -> acknowledged.size() >= stopAfter || senders.stream().noneMatch(Thread::isAlive));
            long stoppedAt = System.nanoTime();
            primary.stop(); // failover-on-shutdown: the backup takes the store and the clients
            for (Thread sender : senders) {
                sender.join(120_000);
            }
            assertThat(failures).isEmpty();
            Waiting.upTo(Duration.ofSeconds(60)).alias("every notification delivered after the failover")
                    .until(() -> gateway.count("select count(*) from notification_outbox where sent_at is null") == 0);
            System.out.println("artemis failover: " + acknowledged.size() + " acknowledged on " + connections
                    + " connections; primary stopped after " + stopAfter + "; outbox drained "
                    + (System.nanoTime() - stoppedAt) / 1_000_000 + " ms after the stop");
        }
        List<String> received = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + backupPort);
             JMSContext jms = cf.createContext();
             JMSConsumer consumer = jms.createConsumer(jms.createQueue("cpis.notify.LA901"))) {
            for (TextMessage m; (m = (TextMessage) consumer.receive(received.size() < acknowledged.size() ? 20_000 : 2_000)) != null; ) {
                received.add(json.readTree(m.getText()).at("/source/messageControlId").asText());
            }
        } finally {
            backup.stop();
        }
        assertThat(acknowledged).hasSize(connections * perSender);
        assertThat(received).as("each acknowledged attendance notified exactly once")
                .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(acknowledged);
        for (List<String> mine : perConnection) {
            // each PAS connection's attendances reach the authority in the order they were acknowledged
            assertThat(received.stream().filter(mine::contains).toList()).containsExactlyElementsOf(mine);
        }
    }
}
