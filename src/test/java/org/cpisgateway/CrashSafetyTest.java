package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Acknowledged means durable: the gateway runs as its own process, four PAS connections send flagged attendances,
 * the process is killed with SIGKILL mid-stream and started again on the same data. Every attendance that got AA
 * must then have exactly one notification on the authority's queue and exactly one access record; attendances
 * that were in flight (no ACK) are re-sent as a PAS would, and must not be doubled either.
 */
class CrashSafetyTest {

    static final String CHILD = TestNhsNumbers.DEMO_CPP_LA901; // at R9Z01 ED (unscheduled)

    /**
     * One round by default. For a soak, {@code -Dcpis.crash.rounds=30} runs that many, each on a new store and killed
     * after a random number of ACKs (150 to 3,000), and {@code -Dcpis.crash.h2-write-delay=10} makes H2 write its
     * file that often (more of its writes land mid-batch).
     */
    @Test
    void everyAcknowledgedAttendanceSurvivesSigkillExactlyOnce() throws Exception {
        int rounds = Integer.getInteger("cpis.crash.rounds", 1);
        java.util.Random random = new java.util.Random();
        for (int round = 0; round < rounds; round++) {
            killedAndRestarted(round == 0 ? 150 : 150 + random.nextInt(2851));
        }
    }

    private static void killedAndRestarted(int ackedBeforeKill) throws Exception {
        Path data = TestFolders.temporary("cpis-crash");
        Set<String> acked = ConcurrentHashMap.newKeySet();
        Set<String> sent = ConcurrentHashMap.newKeySet();
        Path auditLog = data.resolve("logs/audit.log"); // where GatewayProcess has the gateway write it
        List<String> properties = new ArrayList<>(List.of("cpis.notify.retry-interval-ms", "500",
                "cpis.notify.retry-min-age-seconds", "0"));
        String writeDelay = System.getProperty("cpis.crash.h2-write-delay");
        if (writeDelay != null) { // the shipped store URL, its write delay changed
            java.util.Properties conf = new java.util.Properties();
            try (var in = Files.newInputStream(Path.of("conf/application.properties"))) {
                conf.load(in);
            }
            String url = conf.getProperty("cpis.store.url")
                    .replace("{{cpis.data.dir}}", data.toAbsolutePath().toString());
            assertThat(url).contains("WRITE_DELAY=");
            properties.addAll(List.of("cpis.store.url",
                    url.replaceAll("WRITE_DELAY=\\d+", "WRITE_DELAY=" + writeDelay)));
        }
        try (GatewayProcess gateway = new GatewayProcess(data, properties.toArray(String[]::new))) {
            gateway.start();
            AtomicBoolean running = new AtomicBoolean(true);
            List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>()); // why a PAS stopped early
            List<Thread> pas = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread thread = new Thread(() -> sendUntilCut(gateway.mllpPort, running, sent, acked, seen));
                thread.start();
                pas.add(thread);
            }
            try {
                Waiting.upTo(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                        .until(() -> acked.size() >= ackedBeforeKill);
            } catch (ConditionTimeoutException slow) {
                // killed all the same: the assertion below says how far it got, and why
            }
            gateway.kill();
            running.set(false);
            for (Thread thread : pas) {
                thread.join();
            }
            assertThat(acked).as("attendances acknowledged before the kill (%d sent; the PAS saw %s; the gateway's log "
                    + "ends:%n%s)", sent.size(), seen, gateway.logTail(40)).hasSizeGreaterThan(50);
            Set<String> answeredBeforeKill = Set.copyOf(acked);
            assertThat(data.resolve("store/cpis.in-use")).as("the store's in-use marker, left by the kill").exists();

            gateway.start();
            // the PAS re-sends what it never got an ACK for
            Set<String> unacked = new java.util.HashSet<>(sent);
            unacked.removeAll(acked);
            try (Socket s = new Socket("127.0.0.1", gateway.mllpPort)) {
                s.setSoTimeout(20_000);
                for (String id : unacked) {
                    if (sendOne(s.getOutputStream(), s.getInputStream(), id)) {
                        acked.add(id);
                    }
                }
            }
            Map<String, Integer> notified = AuthorityQueues.drainLa901(gateway.brokerPort);
            gateway.stop();
            assertThat(data.resolve("store/cpis.in-use")).as("the marker, after a clean stop").doesNotExist();

            assertThat(notified.keySet()).as("notified attendances").containsAll(acked);
            assertThat(notified.values()).as("no attendance notified twice").allMatch(n -> n == 1);
            Map<String, Integer> accesses = accessRecords(data);
            for (String id : acked) {
                assertThat(accesses.get(id)).as("access records for %s", id).isEqualTo(1);
            }
            assertThat(accesses.values()).allMatch(n -> n == 1);
            // an attendance's audit line is written before it is made durable, and so before its ACK leaves: one
            // answered before the kill has its line, once (it is not sent again). A re-sent one has its first line,
            // and a second when the kill came between its line and its durable record (the re-send was then looked
            // up afresh)
            Map<String, Integer> audited = auditLines(auditLog);
            for (String id : acked) {
                assertThat(audited.get(id)).as("audit lines for %s", id)
                        .isBetween(1, answeredBeforeKill.contains(id) ? 1 : 2);
            }
            System.out.printf("crash test: %d sent, %d acknowledged before the kill or on re-send, %d in flight "
                    + "re-sent, %d notifications%n", sent.size(), acked.size(), unacked.size(), notified.size());
        }
    }

    @Test
    void anUploadInterruptedBySigkillIsTakenAgainAndEndsInTheSameState() throws Exception {
        Path data = TestFolders.temporary("cpis-crash-upload");
        int rows = 60_000;
        StringBuilder csv = new StringBuilder("nhs_number,plan_type,start_date\n");
        int made = 0;
        for (long base = 999_300_000L; made < rows; base++) {
            String n = TestNhsNumbers.withCheckDigit(base);
            if (n != null) {
                csv.append(n).append(",LAC,").append(TestDates.iso("today-10m")).append("\n");
                made++;
            }
        }
        Path inbox = data.resolve("uploads/LA902/inbox");
        Path done = data.resolve("uploads/LA902/done");
        try (GatewayProcess gateway = new GatewayProcess(data, "cpis.uploads.min-age-ms", "500")) {
            gateway.start();
            Files.createDirectories(inbox);
            Files.writeString(inbox.resolve("big.csv.part"), csv);
            Files.move(inbox.resolve("big.csv.part"), inbox.resolve("big.csv"));
            // the upload commits 500 rows at a time, first rows first: the kill comes as soon as an attendance of the
            // file's first child is flagged, that is with the first batch in the store and 119 still to come
            String first = csv.substring(csv.indexOf("\n") + 1, csv.indexOf(",LAC"));
            try (Pas pas = Pas.connect(gateway.mllpPort)) {
                AtomicInteger probes = new AtomicInteger();
                Waiting.upTo(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                        .alias("the upload's first batch in the store within 60 s").until(() -> {
                            probes.incrementAndGet();
                            return flagged(pas, first);
                        });
                System.out.printf("upload crash test: first child flagged at attendance %d; killing%n", probes.get());
            }
            assertThat(inbox.resolve("big.csv.camelLock")).as("upload in progress when killed").exists();
            gateway.kill();
            assertThat(inbox.resolve("big.csv")).as("file still in the inbox after the kill").exists();

            gateway.start();
            Uploads.response(done);
            gateway.stop();
        }
        try (var files = Files.list(done)) {
            List<Path> responses = files.filter(p -> p.toString().endsWith(".response.json")).toList();
            assertThat(responses).hasSize(1);
            JsonNodeCheck.assertAccepted(responses.get(0), rows);
        }
        String url = "jdbc:h2:file:" + data.resolve("store/cpis").toAbsolutePath()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
        try (Connection c = DriverManager.getConnection(url, "sa", "");
             ResultSet rs = c.createStatement().executeQuery(
                     "select count(*), count(distinct nhs_number) from plan where nhs_number like '9993%'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(rows);
            assertThat(rs.getInt(2)).isEqualTo(rows);
        }
    }

    /** Reads an upload report. */
    static final class JsonNodeCheck {
        static void assertAccepted(Path report, int rows) throws IOException {
            var json = new ObjectMapper().readTree(report.toFile());
            assertThat(json.path("rows").asInt()).isEqualTo(rows);
            assertThat(json.path("accepted").asInt()).isEqualTo(rows);
        }
    }

    /**
     * Sends attendances on one connection until the gateway is killed. {@code seen} gets the first answer that was not
     * an AA FLAGGED for its message, and the error that ended the connection while {@code running}: what a failing
     * run reports.
     */
    static void sendUntilCut(int port, AtomicBoolean running, Set<String> sent, Set<String> acked, List<String> seen) {
        boolean refusalSeen = false;
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            while (running.get()) {
                String id = Hl7Messages.newControlId();
                sent.add(id);
                String ack = exchange(s.getOutputStream(), s.getInputStream(), id);
                if (AckText.acceptedFlagged(ack, id)) {
                    acked.add(id);
                } else if (!refusalSeen) {
                    refusalSeen = true;
                    seen.add("answer " + ack.replace('\r', '\n'));
                }
            }
        } catch (IOException cut) {
            if (running.get()) { // not the kill
                seen.add(cut.toString());
            }
        }
    }

    static boolean sendOne(OutputStream out, InputStream in, String id) throws IOException {
        return AckText.acceptedFlagged(exchange(out, in, id), id);
    }

    /** Sends this child's attendance with control ID {@code id}; the ACK's text. */
    static String exchange(OutputStream out, InputStream in, String id) throws IOException {
        out.write(Mllp.frame(Hl7Messages.a04(id, CHILD).getBytes(StandardCharsets.UTF_8)));
        out.flush();
        List<String> ack = Mllp.readFrames(in, 1, StandardCharsets.UTF_8);
        if (ack.isEmpty()) {
            throw new IOException("connection closed");
        }
        return ack.get(0);
    }

    /** An attendance of this child at the demo's emergency department: whether the gateway answered it FLAGGED. */
    static boolean flagged(Pas pas, String nhsNumber) throws Exception {
        String ack = pas.sendForText(Hl7Messages.a04(Hl7Messages.newControlId(), nhsNumber));
        return "FLAGGED".equals(AckText.of(ack).field("ZCS", 1));
    }

    /**
     * The audit log's lines counted by control ID, with the files it was rolled into. A line that is not JSON is
     * counted under "": a kill that lands in the middle of the file write (the kernel may stop a write between two
     * pages) leaves part of a line, which the next start's first line then continues. At most one such line is allowed.
     */
    static Map<String, Integer> auditLines(Path auditLog) throws IOException {
        Map<String, Integer> count = new HashMap<>();
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        // and the files it was rolled into: the file's date is the file system's, so a gateway started again with its
        // clock on another day (faketime) rolls it at its first line
        try (var files = Files.list(auditLog.getParent())) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("audit.log")).toList()) {
                lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
            }
        }
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            String id;
            try {
                var audit = json.readTree(line);
                assertThat(audit.path("nhsNumber").asText()).as("the child the line audits").isEqualTo(CHILD);
                assertThat(audit.path("result").asText()).as("what the look-up found").isEqualTo("FLAGGED");
                id = audit.path("controlId").asText();
            } catch (com.fasterxml.jackson.core.JsonProcessingException cut) {
                id = "";
            }
            count.merge(id, 1, Integer::sum);
        }
        assertThat(count.getOrDefault("", 0)).as("audit lines cut by the kill").isLessThanOrEqualTo(1);
        count.remove("");
        return count;
    }

    static Map<String, Integer> accessRecords(Path data) throws Exception {
        Map<String, Integer> count = new HashMap<>();
        String url = "jdbc:h2:file:" + data.resolve("store/cpis").toAbsolutePath()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
        try (Connection c = DriverManager.getConnection(url, "sa", "");
             ResultSet rs = c.createStatement().executeQuery(
                     "select control_id, count(*) from access_record group by control_id")) {
            while (rs.next()) {
                count.put(rs.getString(1), rs.getInt(2));
            }
        }
        return count;
    }
}
