package org.cpisgateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker's journal writes and syncs each durable write as it comes, with no flush timer: Artemis's NIO
 * timer held every send of the gateway's one sender for up to a tick, and its thread, once it found sleeping
 * imprecise (a loaded CPU, a VM), spun through each wait (Artemis logs that switch at DEBUG only). Persistent sends
 * are still on disk when they return: they are all there after a restart.
 */
class EmbeddedBrokerJournalTest {

    private static final String TIMER_THREAD = "activemq-buffer-timeout";

    @TempDir
    Path data;

    @Test
    void persistentSendsAreWrittenWithoutTheFlushTimerAndSurviveARestart() throws Exception {
        int port = org.cpisgateway.TestPorts.free();
        EmbeddedBroker broker = start(port);
        List<String> sent = new ArrayList<>();
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port);
             JMSContext jms = cf.createContext("cpis-gateway", org.cpisgateway.StandaloneBroker.GATEWAY_PASSWORD)) {
            Queue queue = jms.createQueue("cpis.notify.LA901");
            for (int i = 0; i < 50; i++) {
                String body = "{\"n\":" + i + "}";
                jms.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT).send(queue, body);
                sent.add(body);
            }
            // threads of brokers other tests in this JVM stopped may take a moment to end
            org.cpisgateway.Waiting.upTo(java.time.Duration.ofSeconds(5)).alias("no thread named " + TIMER_THREAD)
                    .until(() -> timerThreads() == 0);
        } finally {
            broker.stop();
        }

        broker = start(port);
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port);
             JMSContext jms = cf.createContext("la901-system", "la901-demo-password");
             JMSConsumer consumer = jms.createConsumer(jms.createQueue("cpis.notify.LA901"))) {
            List<String> received = new ArrayList<>();
            for (TextMessage m; (m = (TextMessage) consumer.receive(received.size() < sent.size() ? 10_000 : 500))
                    != null; ) {
                received.add(m.getText());
            }
            assertThat(received).containsExactlyElementsOf(sent);
        } finally {
            broker.stop();
        }
    }

    private EmbeddedBroker start(int port) throws Exception {
        return org.cpisgateway.StandaloneBroker.start(data, port);
    }

    /** Timer threads alive. */
    private static long timerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(TIMER_THREAD)).count();
    }
}
