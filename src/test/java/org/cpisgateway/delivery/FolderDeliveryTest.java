package org.cpisgateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.cpisgateway.TestFolders;
import org.junit.jupiter.api.Test;

/** The folder channel's write: whole or not at all, and a full disk said as such. */
class FolderDeliveryTest {

    @Test
    void aWriteLeavesOnlyTheWholeFile() throws Exception {
        Path dir = TestFolders.temporary("cpis-folder");
        assertThat(FolderDelivery.write(dir, "n-1.json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(FolderDelivery.write(dir, "n-1.json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8)))
                .as("a re-send replaces its own file").isNull();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("n-1.json");
        }
        assertThat(Files.readString(dir.resolve("n-1.json"))).isEqualTo("{\"a\":1}");
    }

    @Test
    void aFullDiskIsReportedAndLeavesNoFile() throws Exception {
        // Linux's /dev/full answers every write with ENOSPC, as a full disk does
        assumeTrue(Files.exists(Path.of("/dev/full")), "no /dev/full on this system");
        Path dir = TestFolders.temporary("cpis-folder-full");
        Files.createSymbolicLink(dir.resolve(".n-2.json.tmp"), Path.of("/dev/full"));
        String problem = FolderDelivery.write(dir, "n-2.json", "{\"a\":2}".getBytes(StandardCharsets.UTF_8));
        assertThat(problem).contains("cannot write to " + dir).contains("No space left on device");
        assertThat(dir.resolve("n-2.json")).doesNotExist();
        assertThat(FolderDelivery.write(dir, "n-2.json", "{\"a\":2}".getBytes(StandardCharsets.UTF_8)))
                .as("written at the next try once there is room").isNull();
    }

    @Test
    void aMissingFolderIsNotCreated() throws Exception {
        Path dir = TestFolders.temporary("cpis-folder-gone").resolve("not-mounted");
        assertThat(FolderDelivery.write(dir, "n-3.json", new byte[] {'{', '}'})).contains("does not exist");
        assertThat(dir).doesNotExist();
    }
}
