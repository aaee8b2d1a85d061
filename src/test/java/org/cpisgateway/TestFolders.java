package org.cpisgateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Copies of the project's own folders (mappings/, routes/) that a test may edit without touching the originals. */
public final class TestFolders {

    private TestFolders() {
    }

    private static final java.util.Set<Path> TO_DELETE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> TO_DELETE.forEach(TestFolders::deleteQuietly)));
    }

    /**
     * A new temporary folder removed with everything in it when the JVM ends (a gateway's store and broker journal
     * take hundreds of megabytes; a test may still restart a gateway on it until then).
     */
    public static Path temporary(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        TO_DELETE.add(dir);
        return dir;
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // best effort: the system cleans its temporary folder too
        }
    }

    /** A new temporary folder holding a copy of every file of {@code dir} (not its sub-folders). */
    public static Path copyOf(Path dir) throws IOException {
        Path copy = temporary("cpis-" + dir.getFileName());
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        return copy;
    }
}
