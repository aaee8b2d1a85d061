package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import org.awaitility.core.ConditionTimeoutException;
import org.cpisgateway.delivery.NotificationRelay;
import org.junit.jupiter.api.Test;

/**
 * The embedded broker with its disk full (told to keep more free space than any disk has): it takes no more
 * messages, and a send to it would wait until space is freed. The clerk still gets the flag; the authority's
 * notification waits in the store instead of in a send that would hold up every other channel and the gateway's stop;
 * once the broker takes messages again (the gateway started again with the shipped limit) it arrives, once.
 */
class BrokerDiskFullTest {

    @Test
    void aFullBrokerDiskKeepsTheQueuesNotificationsInTheStoreAndTheGatewayStillStops() throws Exception {
        Path data = TestFolders.temporary("cpis-disk-full");
        String id = Hl7Messages.newControlId();
        RunningGateway full = RunningGateway.start(data, "cpis.broker.min-disk-free-mb",
                String.valueOf(Integer.MAX_VALUE), "cpis.notify.retry-interval-ms", "200");
        ExecutorService rounds = Executors.newSingleThreadExecutor();
        ExecutorService stopper = Executors.newSingleThreadExecutor();
        try {
            assertThat(diskFullGauge(full)).as("the broker's disk seen full (it looks every few seconds)").isEqualTo(1);
            try (Pas pas = Pas.connect(full.mllpPort)) {
                String ack = pas.sendForText(Hl7Messages.a04(id, TestNhsNumbers.DEMO_CPP_LA901));
                assertThat(AckText.acceptedFlagged(ack, id)).as(ack).isTrue();
            }
            // the relay's timer (every 200 ms) comes round ten times, and each round leaves the notification waiting
            Waiting.holdsFor(Duration.ofSeconds(2), "the notification waits in the store while the disk is full",
                    () -> full.count("select count(*) from notification_outbox where sent_at is null") == 1);
            // a round of the relay's finishes: its queue sends would have waited for space, holding up the other
            // channels' deliveries and the gateway's stop
            NotificationRelay relay = full.context().getRegistry().lookupByNameAndType("notificationRelay",
                    NotificationRelay.class);
            assertThat(rounds.submit(relay::deliverPending).get(10, TimeUnit.SECONDS)).as("delivered").isZero();
            assertThat(full.count("select count(*) from notification_outbox where sent_at is null"))
                    .as("the notification, waiting in the store").isEqualTo(1);
            try (JMSContext la901 = full.connectAsAuthority("LA901");
                 JMSConsumer consumer = la901.createConsumer(la901.createQueue("cpis.notify.LA901"))) {
                assertThat(consumer.receive(1000)).as("nothing on the authority's queue").isNull();
            }
        } finally {
            Future<?> stopped = stopper.submit(() -> {
                full.close();
                return null;
            });
            stopped.get(60, TimeUnit.SECONDS); // a relay waiting in a send to the full broker never stopped
            stopper.shutdown();
            rounds.shutdownNow();
        }
        try (RunningGateway again = RunningGateway.start(data, "cpis.notify.retry-interval-ms", "200")) {
            Map<String, Integer> notified = AuthorityQueues.drainLa901(again.brokerPort);
            assertThat(notified).as("notifications by attendance, once the broker takes messages").containsOnly(
                    Map.entry(id, 1));
        }
    }

    /** The gauge once it reads 1, or what it reads after 30 s. */
    private static double diskFullGauge(RunningGateway gateway) throws Exception {
        try {
            return Metrics.value(Metrics.once(gateway.httpPort, "cpis_broker_disk_full", 1), "cpis_broker_disk_full");
        } catch (ConditionTimeoutException notFull) {
            return Metrics.value(Metrics.scrape(gateway.httpPort), "cpis_broker_disk_full");
        }
    }
}
