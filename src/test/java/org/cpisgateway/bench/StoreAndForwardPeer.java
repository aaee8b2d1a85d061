package org.cpisgateway.bench;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.ExchangePattern;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.main.Main;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * The store-and-forward peer: what a Camel user would build in an afternoon to take a PAS's messages durably. A
 * camel-mllp route (the gateway's MLLP component) sends each raw message to a queue on an Artemis broker started in
 * this process (camel-jms, persistent, synchronous: the ACK follows the broker's confirmation that the message is in
 * its journal) and answers with a fixed ACK. The broker's journal is set as the gateway's embedded broker's
 * ({@code broker/EmbeddedBroker}): on disk, NIO, each durable write synced as it comes (no buffer timeout), 16 MB
 * of undelivered messages in memory before paging ({@code cpis.broker.memory-bytes}), 1 GiB of free disk required;
 * security off. The connection factory is cached as the gateway's is (Spring's CachingConnectionFactory, 10
 * sessions).
 * <p>
 * The forward: a second route reads the queue (one consumer, acknowledging each message) and hands each message to a
 * step that does nothing, so the peer's cost includes taking messages off its store, and the queue stays short
 * instead of paging for the whole run. Third argument {@code forward=false}: no reader, the messages stay queued
 * (paged to disk beyond 16 MB). Arguments: the port, the folder for the broker's data.
 */
public final class StoreAndForwardPeer {

    static final String QUEUE = "pas.inbound";

    private StoreAndForwardPeer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path dir = Files.createDirectories(Path.of(args[1]));
        boolean forward = args.length < 3 || !"forward=false".equals(args[2]);
        Configuration config = new ConfigurationImpl()
                .setName("store-and-forward-peer")
                .setPersistenceEnabled(true)
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                .setJournalType(JournalType.NIO)
                .setJournalBufferTimeout_NIO(0)
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .setLargeMessagesDirectory(dir.resolve("large-messages").toString())
                .setNodeManagerLockDirectory(dir.toString())
                .setGlobalMaxSize(16 * 1024 * 1024)
                .setMinDiskFree(1024L * 1024 * 1024);
        config.addAcceptorConfiguration("in-vm", "vm://0");
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
        broker.setConfiguration(config);
        broker.start();
        broker.getActiveMQServer().createQueue(QueueConfiguration.of(QUEUE).setAddress(QUEUE)
                .setRoutingType(RoutingType.ANYCAST).setDurable(true).setAutoCreateAddress(true), true);

        CachingConnectionFactory connections = new CachingConnectionFactory(new ActiveMQConnectionFactory("vm://0"));
        connections.setSessionCacheSize(10);
        connections.setCacheConsumers(false);
        Main main = new Main();
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                BareMllpServer.useGatewayMllp(getContext());
                getContext().addComponent("jms", JmsComponent.jmsComponent(connections));
                from(BareMllpServer.listener(port)).routeId("store")
                        .to(ExchangePattern.InOnly, "jms:queue:" + QUEUE + "?deliveryPersistent=true")
                        .setProperty("CamelMllpAcknowledgement", constant(BareMllpServer.ACK));
                if (forward) {
                    from("jms:queue:" + QUEUE + "?concurrentConsumers=1").routeId("forward")
                            .process(e -> { }); // the forward's own destination is not this peer's cost
                }
            }
        });
        main.addMainListener(new org.apache.camel.main.MainListenerSupport() {
            @Override
            public void afterStop(org.apache.camel.main.BaseMainSupport stopped) {
                try {
                    connections.destroy();
                    broker.stop(); // after the routes, so that none is left reading a stopped broker
                } catch (Exception e) {
                    System.err.println("broker stop: " + e);
                }
            }
        });
        main.run();
    }
}
