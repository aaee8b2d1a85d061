package org.cpisgateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Copies of the project's own folders (mappings/, routes/) that a test may edit without touching the originals. */
public final class TestFolders {

    private TestFolders() {
    }

    /** A new temporary folder holding a copy of every file of {@code dir} (not its sub-folders). */
    public static Path copyOf(Path dir) throws IOException {
        Path copy = Files.createTempDirectory("cpis-" + dir.getFileName());
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        return copy;
    }
}
