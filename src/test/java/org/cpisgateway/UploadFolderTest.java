package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.JMSContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Folder uploads as an authority's system makes them, in a running gateway's inbox: whatever the file is called it is
 * taken once and reported beside itself, inside the authority's folder; a file over the limits is refused unread; and
 * neither that nor the store failing stops the folder being taken from. The limits are set small here
 * (4 KiB, 40 rows) so that the files stay small and the test fast.
 */
class UploadFolderTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WITHIN = Duration.ofSeconds(60); // generous: a loaded 2-core machine
    static RunningGateway gateway;
    static Path folder;
    static final TestNhsNumbers CHILDREN = new TestNhsNumbers(999_400_000L);

    @BeforeAll
    static void start() throws Exception {
        gateway = RunningGateway.start("cpis.uploads.min-age-ms", "300", "cpis.uploads.max-bytes", "4096",
                "cpis.uploads.max-rows", "40");
        folder = gateway.dataDir.resolve("uploads/LA902");
        Files.createDirectories(folder.resolve("inbox"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    /** A valid NHS number in the 999 test range that no other test uses. */
    static String child() {
        return CHILDREN.next();
    }

    static String csv(String... children) {
        StringBuilder s = new StringBuilder("nhs_number,plan_type,start_date\n");
        for (String c : children) {
            s.append(c).append(",LAC,").append(TestDates.iso("today-5m")).append('\n');
        }
        return s.toString();
    }

    /** Puts a file in the inbox the safe way: written under another name, then renamed. */
    static void drop(String name, String content) throws Exception {
        Path part = folder.resolve("inbox").resolve(".incoming.part");
        Files.writeString(part, content, StandardCharsets.UTF_8);
        Files.move(part, folder.resolve("inbox").resolve(name));
    }

    /** Every report in done/ and error/, by the name of the upload it reports on. */
    static Map<String, List<Path>> reportsByName() throws Exception {
        Map<String, List<Path>> reports = new HashMap<>();
        for (String sub : List.of("done", "error")) {
            Path dir = folder.resolve(sub);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".response.json")).toList()) {
                    reports.computeIfAbsent(JSON.readTree(p.toFile()).path("name").asText(), k -> new ArrayList<>())
                            .add(p);
                }
            }
        }
        return reports;
    }

    /** The one report on the named upload, once there. */
    static Path awaitReport(String name) throws Exception {
        await("the report on " + name).atMost(WITHIN).until(() -> reportsByName().containsKey(name));
        List<Path> reports = reportsByName().get(name);
        assertThat(reports).as("reports on %s", name).hasSize(1);
        return reports.get(0);
    }

    static long plansOf(String nhsNumber) throws Exception {
        return gateway.count("select count(*) from plan where nhs_number = ? and authority_code = 'LA902'", nhsNumber);
    }

    @Test
    void anyFileNameIsTakenOnceAndReportedBesideItInsideTheAuthoritysFolder() throws Exception {
        List<String> names = List.of("amp&name.csv", "x&chmod=777&doneFileName=..%2F..%2Fx.csv", "with space.csv",
                "per%25cent+plus%.csv", "hash#tag=eq?.csv", "Zoë Ærø 日本.csv", "${header.CamelFileName}.csv",
                "${bean:planUpload?method=toString}.json", "it's, (quoted)\".csv", "line\nend.csv",
                "file:..%2Fx?fileName=y.csv", "long-" + "n".repeat(235) + ".csv");
        Map<String, String> childOf = new HashMap<>();
        for (String name : names) {
            String child = child();
            childOf.put(name, child);
            drop(name, name.endsWith(".json")
                    ? "{\"plans\": [{\"nhs_number\": \"" + child + "\", \"plan_type\": \"LAC\", \"start_date\": \""
                    + TestDates.iso("today-5m") + "\"}]}"
                    : csv(child));
        }
        for (String name : names) {
            Path report = awaitReport(name);
            JsonNode r = JSON.readTree(report.toFile());
            assertThat(r.path("outcome").asText()).as("outcome of %s", name).isEqualTo("APPLIED");
            assertThat(r.path("accepted").asInt()).as("rows of %s", name).isEqualTo(1);
            assertThat(report.getParent().getFileName()).hasToString("done");
            // the file itself beside its report, under the same kept name, and no longer in the inbox
            String kept = report.getFileName().toString().replace(".response.json", "");
            Path moved = report.resolveSibling(kept);
            await(name + " moved beside its report").atMost(WITHIN).until(() -> Files.exists(moved));
            assertThat(Files.readString(moved)).contains(childOf.get(name));
            assertThat(folder.resolve("inbox").resolve(name)).doesNotExist();
            assertThat(plansOf(childOf.get(name))).as("plans of the child in %s", name).isEqualTo(1);
        }
        // one more file through the same poller: every earlier one has had its chance to be taken twice by now
        String last = "after.csv";
        drop(last, csv(child()));
        awaitReport(last);
        Map<String, List<Path>> reports = reportsByName();
        for (String name : names) {
            assertThat(reports.get(name)).as("reports on %s", name).hasSize(1);
        }
        assertNothingOutsideTheFolders();
    }

    /** Every file under uploads/ is in an authority's inbox, done/ or error/, and none is writable by others. */
    static void assertNothingOutsideTheFolders() throws Exception {
        Path uploads = gateway.dataDir.resolve("uploads");
        assertThat(gateway.dataDir.resolveSibling("x.csv")).doesNotExist();
        try (Stream<Path> all = Files.walk(gateway.dataDir)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                assertThat(p.getFileName().toString()).as("%s", p).isNotEqualTo("x.csv");
                assertThat(Files.getPosixFilePermissions(p)).as("%s", p)
                        .doesNotContain(PosixFilePermission.OTHERS_WRITE);
                if (p.startsWith(uploads)) {
                    Path inside = uploads.relativize(p);
                    assertThat(inside.getNameCount()).as("%s", p).isEqualTo(3);
                    assertThat(inside.getName(1).toString()).as("%s", p).isIn("inbox", "done", "error");
                }
            }
        }
    }

    @Test
    void aFileOverTheLimitsIsRefusedUnreadAndTheNextFileIsTaken() throws Exception {
        String bigChild = child();
        StringBuilder big = new StringBuilder(csv(bigChild));
        while (big.length() <= 4096) {
            big.append("# padding: a file just over cpis.uploads.max-bytes\n");
        }
        drop("big.csv", big.toString());
        JsonNode bigReport = JSON.readTree(awaitReport("big.csv").toFile());
        assertThat(bigReport.path("outcome").asText()).isEqualTo("TOO_LARGE");
        assertThat(bigReport.path("error").asText()).contains("cpis.uploads.max-bytes").contains(big.length() + " bytes");
        assertThat(awaitReport("big.csv").getParent().getFileName()).hasToString("error");
        assertThat(plansOf(bigChild)).isZero();

        String[] many = new String[41];
        for (int i = 0; i < many.length; i++) {
            many[i] = child();
        }
        drop("many.csv", csv(many));
        JsonNode manyReport = JSON.readTree(awaitReport("many.csv").toFile());
        assertThat(manyReport.path("outcome").asText()).isEqualTo("TOO_MANY_ROWS");
        assertThat(manyReport.path("error").asText()).contains("cpis.uploads.max-rows").contains("40");
        assertThat(plansOf(many[0])).isZero();

        String small = child();
        drop("small.csv", csv(small));
        assertThat(JSON.readTree(awaitReport("small.csv").toFile()).path("outcome").asText()).isEqualTo("APPLIED");
        assertThat(plansOf(small)).isEqualTo(1);
        assertThat(folder.resolve("inbox")).isEmptyDirectory();
    }

    @Test
    void aQueueUploadOverTheLimitIsRefusedWithAReport() throws Exception {
        String child = child();
        StringBuilder big = new StringBuilder(csv(child));
        while (big.length() <= 4096) {
            big.append("# padding: a message just over cpis.uploads.max-bytes\n");
        }
        try (JMSContext jms = gateway.connectAsAuthority("LA902")) {
            JsonNode report = Uploads.byQueue(jms, "LA902", big.toString());
            assertThat(report.path("outcome").asText()).isEqualTo("TOO_LARGE");
            assertThat(report.path("error").asText()).contains("cpis.uploads.max-bytes");
            assertThat(plansOf(child)).isZero();
            // and the queue goes on: the next upload is applied
            String next = child();
            assertThat(Uploads.byQueue(jms, "LA902", csv(next)).path("outcome").asText())
                    .isEqualTo("APPLIED");
            assertThat(plansOf(next)).isEqualTo(1);
        }
    }

    @Test
    void theStoreFailingLeavesTheFileInTheInboxWhileLaterFilesAreTakenThenItIsTakenOnce() throws Exception {
        String unlucky = child();
        String other = child();
        try (Connection c = gateway.store().getConnection()) {
            StoreOutage.begin(c, unlucky);
        }
        try {
            int before = StoreOutage.failures();
            drop("during-outage.csv", csv(other, unlucky));
            await("the upload tried twice while the store fails").atMost(WITHIN)
                    .until(() -> StoreOutage.failures() >= before + 2);
            String later = child();
            drop("later.csv", csv(later));
            assertThat(JSON.readTree(awaitReport("later.csv").toFile()).path("outcome").asText()).isEqualTo("APPLIED");
            assertThat(plansOf(later)).isEqualTo(1);
            // not reported, its rows not turned into rejections: still in the inbox, to be taken again
            assertThat(reportsByName()).doesNotContainKey("during-outage.csv");
            assertThat(folder.resolve("inbox").resolve("during-outage.csv")).exists();
        } finally {
            try (Connection c = gateway.store().getConnection()) {
                StoreOutage.end(c);
            }
        }
        JsonNode report = JSON.readTree(awaitReport("during-outage.csv").toFile());
        assertThat(report.path("outcome").asText()).isEqualTo("APPLIED");
        assertThat(report.path("accepted").asInt()).isEqualTo(2);
        assertThat(plansOf(unlucky)).isEqualTo(1);
        assertThat(plansOf(other)).isEqualTo(1);
    }
}
