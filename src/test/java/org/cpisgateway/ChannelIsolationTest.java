package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One council's webhook hangs until just before the gateway's time-out; another council takes its notifications on
 * its queue. The hanging council holds up only its own lane: the other's notification is on its queue within 2 s of
 * the ACK, while the hanging webhook keeps being tried, in order, and is delivered once it answers again.
 */
class ChannelIsolationTest {

    static final String SECRET = "test-only-webhook-secret-0002";
    static final String LA901_CHILD = "9990000018"; // demo CPP, LA901
    static final String LA902_CHILD = "9990000026"; // demo LAC, LA902

    static HttpServer hanging;
    static final CountDownLatch release = new CountDownLatch(1);
    static final AtomicInteger calls = new AtomicInteger();
    static final AtomicInteger delivered = new AtomicInteger();
    static RunningGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        hanging = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hanging.createContext("/cpis", exchange -> {
            exchange.getRequestBody().readAllBytes();
            calls.incrementAndGet();
            try {
                // until released, answer just inside the gateway's 3 s time-out
                if (!release.await(2800, TimeUnit.MILLISECONDS)) {
                    exchange.sendResponseHeaders(204, -1);
                    exchange.close();
                    delivered.incrementAndGet();
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
            delivered.incrementAndGet();
        });
        hanging.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        hanging.start();
        Path conf = TestFolders.temporary("cpis-isolation");
        Path mappings = Files.createDirectories(conf.resolve("mappings"));
        for (String table : List.of("care-settings.csv", "nhs-number-locations.csv")) {
            Files.copy(Path.of("mappings", table), mappings.resolve(table));
        }
        Files.writeString(mappings.resolve("authorities.csv"), "code,name,office_hours_phone,emergency_duty_phone,"
                + "notification_version,notification_format,delivery\n"
                + "LA901,Northshire County Council (test),01632 960001,01632 960002,,,queue:\n"
                + "LA902,Westborough City Council (test),01632 960101,01632 960102,,,http://127.0.0.1:"
                + hanging.getAddress().getPort() + "/cpis\n");
        Path secrets = conf.resolve("secrets.properties");
        Files.writeString(secrets, "LA902.webhook-secret = " + SECRET + "\n");
        gateway = RunningGateway.start("cpis.mappings.dir", mappings.toString(),
                "cpis.delivery.secrets-file", secrets.toString(),
                "cpis.delivery.webhook.timeout-ms", "3000",
                "cpis.notify.retry-interval-ms", "200");
    }

    @AfterAll
    static void stop() throws Exception {
        release.countDown();
        if (gateway != null) {
            gateway.close();
        }
        if (hanging != null) {
            hanging.stop(0);
        }
    }

    private static void attend(String nhsNumber) throws Exception {
        List<String> acks = Mllp.exchange(gateway.mllpPort, Mllp.frame(Hl7Messages.a04(Hl7Messages.newControlId(),
                nhsNumber).getBytes(StandardCharsets.UTF_8)), 1, StandardCharsets.UTF_8, 15_000);
        assertThat(AckText.of(acks.get(0)).field("ZCS", 1)).isEqualTo("FLAGGED");
    }

    @Test
    void aHangingWebhookHoldsUpOnlyItsOwnCouncil() throws Exception {
        // five notifications for LA902's webhook: about 14 s of a receiver answering at the last moment
        for (int i = 0; i < 5; i++) {
            attend(LA902_CHILD);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() >= 1);
        try (JMSContext la901 = gateway.connectAsAuthority("LA901");
             JMSConsumer queue = la901.createConsumer(la901.createQueue("cpis.notify.LA901"))) {
            for (int i = 0; i < 3; i++) {
                attend(LA901_CHILD);
                long acked = System.nanoTime();
                TextMessage notification = (TextMessage) queue.receive(10_000);
                long millis = (System.nanoTime() - acked) / 1_000_000;
                assertThat(notification).as("LA901's notification").isNotNull();
                assertThat(millis).as("LA901's notification after its ACK, while LA902's webhook hangs")
                        .isLessThan(2_000);
            }
        }
        assertThat(delivered.get()).as("LA902's webhook still busy with its first notifications").isLessThan(5);
        release.countDown();
        await().atMost(Duration.ofSeconds(30)).until(() -> delivered.get() >= 5);
    }
}
