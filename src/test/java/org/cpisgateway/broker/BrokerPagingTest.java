package org.cpisgateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.cpisgateway.mapping.AuthorityDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker keeps at most its memory bound of undelivered notifications in the heap: an authority that
 * does not collect gets the rest paged to disk, and still receives every one, in order, when it does.
 */
class BrokerPagingTest {

    @TempDir
    Path data;

    @Test
    void notificationsBeyondTheMemoryBoundArePagedAndAllDeliveredInOrder() throws Exception {
        int port = org.cpisgateway.TestPorts.free();
        BrokerSecurity security = new BrokerSecurity(
                List.of(Path.of("conf/broker/users.properties"), Path.of("conf/demo/broker-users.properties")),
                List.of(Path.of("conf/broker/roles.properties"), Path.of("conf/demo/broker-roles.properties")),
                "cpis-gateway", "gateway-test-password");
        EmbeddedBroker broker = new EmbeddedBroker(data, "tcp://127.0.0.1:" + port + "?protocols=CORE",
                "vm://78", security, 1024 * 1024);
        broker.start(AuthorityDirectory.load(Path.of("mappings/authorities.csv")).all(), "cpis.notify.",
                "cpis.upload.", "cpis.unrouted");
        try {
            String body = "{\"n\":%d,\"pad\":\"" + "x".repeat(10_000) + "\"}";
            int count = 400; // about 4 MB: four times what the broker may hold in memory
            try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port);
                 JMSContext jms = cf.createContext("cpis-gateway", "gateway-test-password")) {
                Queue queue = jms.createQueue("cpis.notify.LA901");
                JMSProducer producer = jms.createProducer();
                for (int i = 0; i < count; i++) {
                    producer.send(queue, String.format(body, i));
                }
            }
            try (Stream<Path> files = Files.walk(data.resolve("paging"))) {
                assertThat(files.filter(f -> f.toString().endsWith(".page")).count())
                        .as("page files written for the queue nobody collects").isPositive();
            }
            try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port);
                 JMSContext jms = cf.createContext("la901-system", "la901-demo-password");
                 JMSConsumer consumer = jms.createConsumer(jms.createQueue("cpis.notify.LA901"))) {
                for (int i = 0; i < count; i++) {
                    TextMessage m = (TextMessage) consumer.receive(20_000);
                    assertThat(m).as("notification %d", i).isNotNull();
                    assertThat(m.getText()).startsWith("{\"n\":" + i + ",");
                }
                assertThat(consumer.receive(500)).isNull();
            }
        } finally {
            broker.stop();
        }
    }
}
