package org.cpisgateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** After an unclean stop the store opens only with its write-ahead log where the marker says that run had it. */
class WalPlacementTest {

    @TempDir
    Path dir;

    @Test
    void aCleanStopLeavesNoMarkerSoTheLogMayMove() throws Exception {
        assertThat(WalPlacement.problem(dir.resolve("cpis.in-use"), dir.resolve("elsewhere"), dir.resolve("cpis.wal")))
                .isEmpty();
    }

    @Test
    void theMarkerNamesTheLogAndTheSameFolderOpens() throws Exception {
        Path marker = Files.createFile(dir.resolve("cpis.in-use"));
        Path log = dir.resolve("../" + dir.getFileName() + "/wal-device"); // the same folder, written another way
        WalPlacement.record(marker, log);
        assertThat(Files.readString(marker, StandardCharsets.UTF_8)).isEqualTo(dir.resolve("wal-device").toString());
        assertThat(WalPlacement.problem(marker, dir.resolve("wal-device"), dir.resolve("cpis.wal"))).isEmpty();
    }

    @Test
    void anotherFolderAfterAnUncleanStopIsRefusedWithWhereTheLogIs() throws Exception {
        Path marker = Files.createFile(dir.resolve("cpis.in-use"));
        WalPlacement.record(marker, dir.resolve("wal-device"));
        assertThat(WalPlacement.problem(marker, dir.resolve("cpis.wal"), dir.resolve("cpis.wal"))).hasValueSatisfying(
                why -> assertThat(why).startsWith("The store was not closed cleanly")
                        .contains("is in " + dir.resolve("wal-device") + ", not in " + dir.resolve("cpis.wal"))
                        .contains("(cpis.store.wal-dir=" + dir.resolve("wal-device") + ")"));
    }

    @Test
    void anEmptyMarkerMeansTheLogWasBesideTheStore() throws Exception {
        Path marker = Files.createFile(dir.resolve("cpis.in-use")); // as a release without the setting leaves it
        assertThat(WalPlacement.problem(marker, dir.resolve("cpis.wal"), dir.resolve("cpis.wal"))).isEmpty();
        assertThat(WalPlacement.problem(marker, dir.resolve("wal-device"), dir.resolve("cpis.wal")))
                .hasValueSatisfying(why -> assertThat(why).contains("is in " + dir.resolve("cpis.wal"))
                        .contains("(cpis.store.wal-dir empty)"));
    }
}
