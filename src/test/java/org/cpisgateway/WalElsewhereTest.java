package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The embedded store's write-ahead log in a folder of its own ({@code cpis.store.wal-dir}), as on a device of its
 * own. The gateway runs as its own process; a PAS (HAPI's client) has its attendances acknowledged; the process is
 * killed with SIGKILL. Started again with the log beside the store, it refuses to start and says where the log is;
 * started with the log where it was, every acknowledged message is in the store exactly once.
 */
class WalElsewhereTest {

    @Test
    void acknowledgedAttendancesComeBackFromTheLogsOwnFolderAndAMovedLogIsRefused() throws Exception {
        Path data = TestFolders.temporary("cpis-wal-store");
        Path wal = TestFolders.temporary("cpis-wal-device").resolve("cpis-wal");
        List<String> acked = new ArrayList<>();
        try (GatewayProcess gateway = new GatewayProcess(data, "cpis.store.wal-dir", wal.toString())) {
            gateway.start();
            try (Pas pas = Pas.connect(gateway.mllpPort)) {
                for (int i = 0; i < 30; i++) {
                    String id = Hl7Messages.newControlId();
                    String ack = pas.sendForText(Hl7Messages.a04(id, TestNhsNumbers.DEMO_CPP_LA901));
                    assertThat(AckText.acceptedFlagged(ack, id)).as(ack).isTrue();
                    acked.add(id);
                }
            }
            gateway.kill();
        }
        try (Stream<Path> files = Files.list(wal)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("the log's files")
                    .anyMatch(f -> f.endsWith(".wal"));
        }
        assertThat(data.resolve("store/cpis.wal")).as("no log beside the store").doesNotExist();
        Path marker = data.resolve("store/cpis.in-use");
        assertThat(Files.readString(marker, StandardCharsets.UTF_8)).as("the marker left by the kill")
                .isEqualTo(wal.toAbsolutePath().normalize().toString());

        try (GatewayProcess besideTheStore = new GatewayProcess(data)) {
            assertThatThrownBy(besideTheStore::start).hasMessageContaining("exited at start");
            assertThat(besideTheStore.logTail(30)).contains("The store was not closed cleanly")
                    .contains("is in " + wal.toAbsolutePath().normalize())
                    .contains("cpis.store.wal-dir=" + wal)
                    .doesNotContain("\tat ");
        }
        assertThat(data.resolve("store/cpis.wal")).as("the refused start made no log beside the store").doesNotExist();
        assertThat(marker).as("nor took the marker away").exists();

        try (GatewayProcess again = new GatewayProcess(data, "cpis.store.wal-dir", wal.toString())) {
            again.start();
            try (Pas pas = Pas.connect(again.mllpPort)) { // a re-send is answered from the store, as acknowledged
                String id = acked.get(acked.size() - 1);
                String ack = pas.sendForText(Hl7Messages.a04(id, TestNhsNumbers.DEMO_CPP_LA901));
                assertThat(AckText.acceptedFlagged(ack, id)).as(ack).isTrue();
            }
            Map<String, Integer> notified = AuthorityQueues.drainLa901(again.brokerPort);
            again.stop();
            // that each has exactly one notification is CrashSafetyTest's to hold; here: none twice
            assertThat(notified).as("notifications by attendance").allSatisfy(
                    (id, n) -> assertThat(n).as(id).isEqualTo(1));
        }
        assertThat(marker).as("the marker, after a clean stop").doesNotExist();
        assertThat(storedMessages(data)).as("stored messages by control ID").containsOnlyKeys(acked).allSatisfy(
                (id, n) -> assertThat(n).as(id).isEqualTo(1));
    }

    /** The store's messages counted by control ID (the gateway stopped). */
    private static Map<String, Integer> storedMessages(Path data) throws Exception {
        Map<String, Integer> count = new java.util.HashMap<>();
        String url = "jdbc:h2:file:" + data.resolve("store/cpis").toAbsolutePath()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "sa", "");
             java.sql.ResultSet rs = c.createStatement().executeQuery(
                     "select control_id, count(*) from inbound_message group by control_id")) {
            while (rs.next()) {
                count.put(rs.getString(1), rs.getInt(2));
            }
        }
        return count;
    }

    @Test
    void aStartThatCannotOpenItsLogLeavesTheMarkerSoTheNextStartLooksForTheSameLog() throws Exception {
        Path data = TestFolders.temporary("cpis-wal-store");
        Path notAFolder = Files.writeString(TestFolders.temporary("cpis-wal-device").resolve("cpis-wal"), "a file");
        try (GatewayProcess gateway = new GatewayProcess(data, "cpis.store.wal-dir", notAFolder.toString())) {
            assertThatThrownBy(gateway::start).hasMessageContaining("exited at start");
        }
        // the store was opened and closed, its log never read in: the marker stays and names that log
        assertThat(Files.readString(data.resolve("store/cpis.in-use"), StandardCharsets.UTF_8))
                .isEqualTo(notAFolder.toAbsolutePath().normalize().toString());
    }
}
