package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

/**
 * SIGTERM under load, as systemd or a container runtime stops the release: PAS connections keep sending
 * attendances (HAPI's MLLP client, half of them for a flagged child) while the gateway is told to stop. It must
 * stop taking frames, answer every frame it took, make durable what it acknowledged, and exit 0 within the grace
 * period. Then the store (opened directly, the gateway gone) is held against what each PAS saw:
 * <ul>
 *   <li>every acknowledged message is in the journal with that answer, and every flagged one has its notification
 *       in the outbox (nothing acknowledged is lost);</li>
 *   <li>every message in the journal was answered to its PAS (nothing received goes unanswered).</li>
 * </ul>
 */
class GracefulStopIT {

    static final int CONNECTIONS = 8;
    static final String FLAGGED = "9990000018";
    static final String NOT_FLAGGED = "9990000069";

    @Test
    void sigtermUnderLoadAnswersWhatItTookLosesNothingAndExitsZero() throws Exception {
        Path data = TestFolders.temporary("cpis-graceful-data");
        Release.Running gateway = Release.start("graceful", Map.of("CPIS_DATA_DIR", data.toString()));

        Map<String, String> acked = new ConcurrentHashMap<>();     // control id -> ACK code the PAS got
        Set<String> sent = ConcurrentHashMap.newKeySet();          // control ids whose frame went out
        Set<String> flagged = ConcurrentHashMap.newKeySet();
        AtomicBoolean stopping = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(CONNECTIONS);
        for (int c = 0; c < CONNECTIONS; c++) {
            int connection = c;
            Thread pas = new Thread(() -> {
                try (Pas client = Pas.connect(gateway.mllpPort())) {
                    for (int i = 0; ; i++) {
                        String id = "GS" + connection + "-" + i;
                        boolean child = i % 2 == 0;
                        sent.add(id);
                        if (child) {
                            flagged.add(id);
                        }
                        String ack = client.sendForText(Hl7Messages.a04(id, child ? FLAGGED : NOT_FLAGGED));
                        String code = ack.split("MSA\\|")[1].substring(0, 2);
                        acked.put(id, code);
                    }
                } catch (Exception connectionEnded) {
                    // the gateway stopped: this PAS would retry its last message elsewhere or later
                } finally {
                    done.countDown();
                }
            });
            pas.setDaemon(true);
            pas.start();
        }
        Waiting.upTo(Duration.ofSeconds(60)).until(() -> acked.size() >= 200); // under load
        int ackedBeforeStop = acked.size();
        long stopAt = System.nanoTime();
        stopping.set(true);
        gateway.process().destroy(); // SIGTERM
        assertThat(gateway.process().waitFor(60, TimeUnit.SECONDS)).as("stopped").isTrue();
        long stopMillis = (System.nanoTime() - stopAt) / 1_000_000;
        assertThat(done.await(60, TimeUnit.SECONDS)).as("every PAS connection ended").isTrue();
        String log = gateway.log();
        assertThat(gateway.process().exitValue()).as("exit status after SIGTERM; output: %s", log).isZero();
        assertThat(stopMillis).as("stopped within the grace period (camel.main.shutdown-timeout = 15 s)")
                .isLessThan(15_000 + 5_000);
        assertThat(ackedBeforeStop).as("the PAS connections were busy").isGreaterThan(50);

        Map<String, String> journal = new HashMap<>();
        Map<String, String> storedAcks = new HashMap<>();
        Set<String> notified = new java.util.HashSet<>();
        try (Connection store = DriverManager.getConnection("jdbc:h2:file:" + data.resolve("store/cpis")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH", "sa", "")) {
            try (ResultSet rs = store.createStatement().executeQuery(
                    "select control_id, ack_code, ack from inbound_message where control_id like 'GS%'")) {
                while (rs.next()) {
                    journal.put(rs.getString(1), rs.getString(2));
                    storedAcks.put(rs.getString(1), rs.getString(3));
                }
            }
            try (ResultSet rs = store.createStatement().executeQuery(
                    "select payload from notification_outbox where authority_code = 'LA901'")) {
                while (rs.next()) {
                    String payload = rs.getString(1);
                    int at = payload.indexOf("\"messageControlId\":\"");
                    if (at >= 0) {
                        notified.add(payload.substring(at + 20, payload.indexOf('"', at + 20)));
                    }
                }
            }
        }
        List<String> lost = acked.keySet().stream().filter(id -> !acked.get(id).equals(journal.get(id))).toList();
        assertThat(lost).as("acknowledged but not in the journal with that answer").isEmpty();
        List<String> unnotified = acked.keySet().stream()
                .filter(id -> flagged.contains(id) && acked.get(id).equals("AA") && !notified.contains(id)).toList();
        assertThat(unnotified).as("flagged, acknowledged, and no notification in the outbox").isEmpty();
        List<String> unanswered = journal.keySet().stream().filter(id -> !acked.containsKey(id)).toList();
        assertThat(unanswered).as("taken into the journal but never answered to the PAS (of %d sent, %d acked)",
                sent.size(), acked.size()).isEmpty();
        assertThat(acked.values()).as("every answer").containsOnly("AA");
        System.out.printf("graceful stop: %d acknowledged (%d before SIGTERM), %d sent, stopped in %d ms%n",
                acked.size(), ackedBeforeStop, sent.size(), stopMillis);

        // Upgrade in place: a new release unpacked beside the old, the site's own settings copied over, started on
        // the same data folder (docs/release.md, "Upgrading"). The store and its schema carry over: a PAS that
        // re-sends an acknowledged message gets the stored answer, and every acknowledged notification reaches its
        // authority.
        Path upgraded = Release.unpack();
        Files.writeString(upgraded.resolve("conf/site.properties"), "# the site's own settings\n"
                + "cpis.journal.retention-days = 30\n");
        Release.Running again = Release.start(upgraded, "upgraded", Map.of("CPIS_DATA_DIR", data.toString()));
        try {
            String resent = acked.keySet().stream().filter(flagged::contains).findFirst().orElseThrow();
            try (Pas client = Pas.connect(again.mllpPort())) {
                String ack = client.sendForText(Hl7Messages.a04(resent, FLAGGED));
                assertThat(ack.split("\r")[1]).isEqualTo(storedAcks.get(resent).split("\r")[1]); // MSA, as stored
                assertThat(ack).contains("ZCS|FLAGGED");
            }
            Set<String> received = new java.util.HashSet<>();
            var amqp = new org.apache.qpid.jms.JmsConnectionFactory("amqp://127.0.0.1:" + again.brokerPort());
            try (var la901 = amqp.createContext("la901-system", "la901-demo-password");
                 var notifications = la901.createConsumer(la901.createQueue("cpis.notify.LA901"))) {
                for (jakarta.jms.Message m; (m = notifications.receive(5_000)) != null; ) {
                    String text = ((jakarta.jms.TextMessage) m).getText();
                    int at = text.indexOf("\"messageControlId\":\"");
                    received.add(text.substring(at + 20, text.indexOf('"', at + 20)));
                }
            }
            List<String> undelivered = acked.keySet().stream().filter(flagged::contains)
                    .filter(id -> !received.contains(id)).toList();
            assertThat(undelivered).as("acknowledged, flagged, and never delivered (of %d delivered)",
                    received.size()).isEmpty();
            assertThat(again.log()).containsPattern("\\[site.properties\\] +cpis.journal.retention-days = 30")
                    .doesNotContain("Migrating schema"); // same release: nothing to migrate
        } finally {
            again.process().destroy();
            assertThat(again.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(again.process().exitValue()).as("second stop; output: %s", again.log()).isZero();
    }
}
