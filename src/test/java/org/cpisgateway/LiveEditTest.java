package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An integrator edits route files and mapping tables of a running gateway (copies in a temporary folder) while a PAS
 * keeps sending on one open connection (HAPI's client). Good edits take effect; broken ones are refused with the file
 * and line, and the last good version keeps answering; the connection stays open and every message gets its AA.
 */
class LiveEditTest {

    static final String CPP_CHILD = "9990000018";
    static final ObjectMapper JSON = new ObjectMapper();

    static Path work;
    static RunningGateway gateway;
    static Pas pas;

    @BeforeAll
    static void start() throws Exception {
        work = TestFolders.temporary("cpis-live-edit");
        copy(Path.of("routes"), work.resolve("routes"));
        copy(Path.of("mappings"), work.resolve("mappings"));
        gateway = RunningGateway.start(
                "camel.main.routes-include-pattern", "file:" + work.resolve("routes") + "/*.camel.yaml",
                "cpis.reload.routes-dir", work.resolve("routes").toString(),
                "cpis.mappings.dir", work.resolve("mappings").toString());
        pas = Pas.connect(gateway.mllpPort);
    }

    @AfterAll
    static void stop() throws Exception {
        if (pas != null) {
            pas.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private static void copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    private static Message send(String message) throws Exception {
        return pas.send(message);
    }

    /** Waits for the newest reload outcome of {@code file} that is not {@code before}. */
    private static JsonNode awaitOutcome(String fileSuffix, int seenBefore) {
        return Waiting.upTo(Duration.ofSeconds(15)).alias("a reload outcome for " + fileSuffix)
                .until(() -> outcomesOf(fileSuffix), mine -> mine.size() > seenBefore).get(0);
    }

    /** The reload outcomes of {@code file}, newest first. */
    private static List<JsonNode> outcomesOf(String fileSuffix) throws Exception {
        JsonNode all = JSON.readTree(Http.asOperator(gateway.httpPort, "/api/ops/reloads").body());
        List<JsonNode> mine = new ArrayList<>();
        all.forEach(e -> {
            if (e.path("file").asText().endsWith(fileSuffix)) {
                mine.add(e);
            }
        });
        return mine;
    }

    /** Until the PAS has had {@code n} more attendances answered AA FLAGGED (or its sender has stopped on an error). */
    private static void moreFlagged(AtomicInteger flagged, Thread sender, int n) {
        int mark = flagged.get();
        Waiting.upToAStep().alias(n + " more attendances answered FLAGGED")
                .until(() -> flagged.get() >= mark + n || !sender.isAlive());
    }

    private static int outcomes(String fileSuffix) throws Exception {
        JsonNode all = JSON.readTree(Http.asOperator(gateway.httpPort, "/api/ops/reloads").body());
        int n = 0;
        for (JsonNode e : all) {
            if (e.path("file").asText().endsWith(fileSuffix)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void routeEditsApplyWhileAPasKeepsSendingOnOneConnection() throws Exception {
        Path file = work.resolve("routes/adt-inbound.camel.yaml");
        String good = Files.readString(file, StandardCharsets.UTF_8);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger flagged = new AtomicInteger();
        List<Throwable> failures = new ArrayList<>();
        Thread sender = new Thread(() -> {
            try {
                while (running.get()) {
                    sent.incrementAndGet();
                    Message ack = send(Hl7Messages.a04(Hl7Messages.newControlId(), CPP_CHILD));
                    if ("AA".equals(new Terser(ack).get("/MSA-1")) && "FLAGGED".equals(new Terser(ack).get("/ZCS-1"))) {
                        flagged.incrementAndGet();
                    }
                }
            } catch (Throwable t) {
                failures.add(t);
            }
        });
        sender.start();
        moreFlagged(flagged, sender, 3);

        // 1. a good edit: an extra step in adt-inbound
        int before = outcomes("adt-inbound.camel.yaml");
        String step = "        - process:\n            ref: attendance.check";
        assertThat(good).contains(step);
        Files.writeString(file, good.replace(step, "        - setProperty:\n            name: cpisEditedLive\n"
                + "            constant: \"yes\"\n" + step), StandardCharsets.UTF_8);
        JsonNode applied = awaitOutcome("adt-inbound.camel.yaml", before);
        assertThat(applied.path("outcome").asText()).isEqualTo("APPLIED");
        assertThat(applied.path("detail").asText()).isEqualTo("routes [adt-inbound, send-ack]");
        moreFlagged(flagged, sender, 3); // the PAS goes on sending between edits

        // 2. a step that names a bean that does not exist: refused, with the line; the good version keeps running
        before = outcomes("adt-inbound.camel.yaml");
        String broken = good.replace("ref: accessAudit", "ref: accessAudti");
        Files.writeString(file, broken, StandardCharsets.UTF_8);
        JsonNode refused = awaitOutcome("adt-inbound.camel.yaml", before);
        assertThat(refused.path("outcome").asText()).isEqualTo("REFUSED");
        int line = lineOf(broken, "ref: accessAudti") - 1; // the step starts on the "- process:" line above
        assertThat(refused.path("detail").asText()).contains("accessAudti").contains("(line " + line + ")");
        moreFlagged(flagged, sender, 3); // the PAS goes on sending between edits

        // 3. not YAML at all: refused before anything stops, with the line
        before = outcomes("adt-inbound.camel.yaml");
        Files.writeString(file, good + "\n- route:\n  id: half\n   from: [\n", StandardCharsets.UTF_8);
        refused = awaitOutcome("adt-inbound.camel.yaml", before);
        assertThat(refused.path("outcome").asText()).isEqualTo("REFUSED");
        assertThat(refused.path("detail").asText()).contains("adt-inbound.camel.yaml").containsPattern("line \\d+");
        moreFlagged(flagged, sender, 3); // the PAS goes on sending between edits

        // 4. passes the checks but does not start (an unknown route configuration): the old routes are already
        //    stopped when that shows, so the last good version is put back
        before = outcomes("adt-inbound.camel.yaml");
        Files.writeString(file, good.replace("routeConfigurationId: answer-every-message",
                "routeConfigurationId: answer-every-mesage"), StandardCharsets.UTF_8);
        refused = awaitOutcome("adt-inbound.camel.yaml", before);
        assertThat(refused.path("outcome").asText()).isEqualTo("REFUSED");
        assertThat(refused.path("detail").asText()).contains("answer-every-mesage");
        moreFlagged(flagged, sender, 3); // the PAS goes on sending between edits

        // 5. a route id that another file's route has: Camel would quietly replace that route
        before = outcomes("adt-inbound.camel.yaml");
        Files.writeString(file, good.replace("id: send-ack", "id: notify-authority"), StandardCharsets.UTF_8);
        refused = awaitOutcome("adt-inbound.camel.yaml", before);
        assertThat(refused.path("outcome").asText()).isEqualTo("REFUSED");
        assertThat(refused.path("detail").asText()).contains("route id 'notify-authority'")
                .contains("notifications.camel.yaml");
        assertThat(gateway.context().getRoute("notify-authority").getSourceLocationShort())
                .startsWith("notifications.camel.yaml");
        moreFlagged(flagged, sender, 3); // the PAS goes on sending between edits

        running.set(false);
        sender.join(60_000);
        assertThat(failures).as("the PAS connection saw no error").isEmpty();
        assertThat(pas.isOpen()).isTrue();
        assertThat(flagged.get()).as("every message sent got AA FLAGGED").isEqualTo(sent.get());
        assertThat(sent.get()).isGreaterThan(10);
        assertThat(gateway.context().getRouteController().getRouteStatus("adt-inbound").isStarted()).isTrue();
        assertThat(gateway.context().getRouteController().getRouteStatus("mllp-listener").isStarted()).isTrue();
        Files.writeString(file, good, StandardCharsets.UTF_8);
    }

    @Test
    void mappingEditsApplyAndBadRowsAreRefusedWithTheirLine() throws Exception {
        Path file = work.resolve("mappings/care-settings.csv");
        String good = Files.readString(file, StandardCharsets.UTF_8);
        int before = outcomes("care-settings.csv");
        Files.writeString(file, good.replace("Riverside General Hospital Emergency Department (demo)",
                "Riverside Children's Emergency Department (demo)"), StandardCharsets.UTF_8);
        assertThat(awaitOutcome("care-settings.csv", before).path("outcome").asText()).isEqualTo("APPLIED");
        Message ack = send(Hl7Messages.a04(Hl7Messages.newControlId(), CPP_CHILD));
        assertThat(new Terser(ack).get("/ZCS-6-2")).isEqualTo("Riverside Children's Emergency Department (demo)");

        before = outcomes("care-settings.csv");
        String broken = good.replace("R9Z02-UTC,Hillside Urgent Treatment Centre (demo),UTC,no",
                "R9Z02-UTC,Hillside Urgent Treatment Centre (demo),UTC,maybe");
        Files.writeString(file, broken, StandardCharsets.UTF_8);
        JsonNode refused = awaitOutcome("care-settings.csv", before);
        assertThat(refused.path("outcome").asText()).isEqualTo("REFUSED");
        assertThat(refused.path("detail").asText()).contains("care-settings.csv line " + lineOf(broken, ",maybe"));
        ack = send(Hl7Messages.a04(Hl7Messages.newControlId(), CPP_CHILD));
        assertThat(new Terser(ack).get("/ZCS-6-2")).as("the last good table is still in use")
                .isEqualTo("Riverside Children's Emergency Department (demo)");
        Files.writeString(file, good, StandardCharsets.UTF_8);
    }

    @Test
    void patternThresholdsAreEditedWhileItRuns() throws Exception {
        Path file = work.resolve("mappings/pattern-rules.csv");
        String good = Files.readString(file, StandardCharsets.UTF_8);
        try {
            int before = outcomes("pattern-rules.csv");
            Files.writeString(file, good.replace("settings,3,30", "settings,2,30"), StandardCharsets.UTF_8);
            assertThat(awaitOutcome("pattern-rules.csv", before).path("outcome").asText()).isEqualTo("APPLIED");
            send(Hl7Messages.a04(Hl7Messages.newControlId(), CPP_CHILD));
            Message ack = send(Hl7Messages.a04(Hl7Messages.newControlId(), "R9Z02", "", CPP_CHILD + "^^^NHS^NH"));
            assertThat(new Terser(ack).get("/ZCS-8-1")).isEqualTo("SETTINGS");
            assertThat(new Terser(ack).get("/ZCS-8-2")).isEqualTo("Pattern: seen at 2 care settings in 30 days");

            before = outcomes("pattern-rules.csv");
            String broken = good.replace("settings,3,30", "settings,1,30");
            Files.writeString(file, broken, StandardCharsets.UTF_8);
            JsonNode refused = awaitOutcome("pattern-rules.csv", before);
            assertThat(refused.path("outcome").asText()).isEqualTo("REFUSED");
            assertThat(refused.path("detail").asText()).contains("pattern-rules.csv line " + lineOf(broken, "settings,1"))
                    .contains("at_least 1 would alert on every attendance");
            ack = send(Hl7Messages.a04(Hl7Messages.newControlId(), "R9Z02", "", CPP_CHILD + "^^^NHS^NH"));
            assertThat(new Terser(ack).get("/ZCS-8-1")).as("the last good rules are still in use").isEqualTo("SETTINGS");

            before = outcomes("pattern-rules.csv");
            Files.writeString(file, good.replace("settings,3,30", "settings,0,30").replace("repeats,4,30", "repeats,0,30"),
                    StandardCharsets.UTF_8);
            assertThat(awaitOutcome("pattern-rules.csv", before).path("outcome").asText()).isEqualTo("APPLIED");
            ack = send(Hl7Messages.a04(Hl7Messages.newControlId(), "R9Z02", "", CPP_CHILD + "^^^NHS^NH"));
            assertThat(new Terser(ack).get("/ZCS-8-1")).as("both rules off").isNull();
        } finally {
            int before = outcomes("pattern-rules.csv");
            Files.writeString(file, good, StandardCharsets.UTF_8);
            awaitOutcome("pattern-rules.csv", before);
        }
    }

    @Test
    void aNewAuthorityGetsItsUploadRoutesWithoutARestart() throws Exception {
        Path file = work.resolve("mappings/authorities.csv");
        String good = Files.readString(file, StandardCharsets.UTF_8);
        int before = outcomes("authorities.csv");
        Files.writeString(file, good + "LA903,Eastmoor Borough Council (test),01632 960201,01632 960202\n",
                StandardCharsets.UTF_8);
        assertThat(awaitOutcome("authorities.csv", before).path("outcome").asText()).isEqualTo("APPLIED");
        assertThat(gateway.context().getRoute("upload-queue-LA903")).isNotNull();
        assertThat(gateway.context().getRoute("upload-folder-LA903")).isNotNull();
        assertThat(gateway.context().getRouteController().getRouteStatus("upload-queue-LA903").isStarted()).isTrue();
    }

    private static int lineOf(String text, String needle) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(needle)) {
                return i + 1;
            }
        }
        throw new AssertionError(needle);
    }
}
