package org.cpisgateway.upload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import com.google.common.base.Utf8;

/**
 * The names a handled upload file and its report are kept under in {@code done/} or {@code error/}:
 * {@code <timestamp>-<name>} and {@code <timestamp>-<name>.response.json}, the time it was taken first, so that a
 * folder lists them in the order they came, and never longer than the file systems take.
 */
final class KeptNames {

    /** Longest name the common file systems take, in bytes (NAME_MAX). */
    static final int LONGEST_NAME = 255;
    /** What the report's name adds to the file's kept name. */
    static final String REPORT = ".response.json";
    private static final DateTimeFormatter TAKEN = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");

    private final Clock clock;

    KeptNames(Clock clock) {
        this.clock = clock;
    }

    /**
     * The name a handled file is kept under in {@code folder}: the time it was taken, then its own name (shortened in
     * the middle when the two with the report's suffix would be too long a name), unused in the folder.
     */
    String in(Path folder, String name) {
        String taken = TAKEN.format(LocalDateTime.now(clock.withZone(ZoneOffset.UTC)));
        for (int n = 1; ; n++) {
            String prefix = n == 1 ? taken + "-" : taken + "-" + n + "-";
            String kept = prefix + fitted(name, LONGEST_NAME - Utf8.encodedLength(prefix + "." + REPORT + ".part"));
            if (!Files.exists(folder.resolve(kept)) && !Files.exists(folder.resolve(kept + REPORT))) {
                return kept;
            }
        }
    }

    /**
     * The name, or when longer than {@code maxBytes} in UTF-8, its start and its extension with a {@code ~} between.
     */
    static String fitted(String name, int maxBytes) {
        if (Utf8.encodedLength(name) <= maxBytes) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        String extension = dot >= 0 && name.length() - dot <= 10 ? name.substring(dot) : "";
        int[] stem = name.substring(0, name.length() - extension.length()).codePoints().toArray();
        for (int keep = stem.length - 1; ; keep--) {
            String shorter = new String(stem, 0, keep) + "~" + extension;
            if (Utf8.encodedLength(shorter) <= maxBytes) {
                return shorter;
            }
        }
    }
}
