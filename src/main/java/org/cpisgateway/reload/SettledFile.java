package org.cpisgateway.reload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A file's text once its writer has finished: editors and copy tools truncate and write in several steps, and a
 * watcher sees the first of them. The text is read until two reads {@link #SETTLE_MILLIS} apart agree.
 */
final class SettledFile {

    static final long SETTLE_MILLIS = 300;

    private SettledFile() {
    }

    /** The settled text, or null when the file does not exist (deleted). */
    static String read(Path file) throws IOException, InterruptedException {
        String previous = readOrNull(file);
        for (int i = 0; i < 20; i++) {
            Thread.sleep(SETTLE_MILLIS);
            String now = readOrNull(file);
            if (java.util.Objects.equals(previous, now)) {
                return now;
            }
            previous = now;
        }
        return previous;
    }

    private static String readOrNull(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException deleted) {
            return null;
        }
    }
}
