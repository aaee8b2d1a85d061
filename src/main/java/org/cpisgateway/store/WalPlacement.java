package org.cpisgateway.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Where the embedded store's write-ahead log was, as its in-use marker says. A run that stops uncleanly leaves in its
 * log messages already acknowledged but not yet in the store; they are written into the store at the next start,
 * from the log the start opens. So after an unclean stop the gateway starts only with its log where that run left
 * it; once it has stopped cleanly the log may be moved.
 */
public final class WalPlacement {

    private WalPlacement() {
    }

    /**
     * Why the store cannot be opened with its log in {@code log}: the marker is there (the last run did not stop
     * cleanly) and names another folder. A marker with no folder in it was written when the log was always beside the
     * store's file ({@code besideFile}).
     */
    public static Optional<String> problem(Path marker, Path log, Path besideFile) throws IOException {
        if (!Files.exists(marker)) {
            return Optional.empty();
        }
        String named = Files.readString(marker, StandardCharsets.UTF_8).trim();
        Path before = named.isEmpty() ? besideFile : Path.of(named);
        if (same(before, log)) {
            return Optional.empty();
        }
        return Optional.of("The store was not closed cleanly, and its write-ahead log, which can hold acknowledged "
                + "messages not yet in the store, is in " + before.toAbsolutePath().normalize() + ", not in "
                + log.toAbsolutePath().normalize() + " (cpis.store.wal-dir). Start once with the log where it was ("
                + (same(before, besideFile) ? "cpis.store.wal-dir empty" : "cpis.store.wal-dir=" + before)
                + ") so that they are written into the store, stop the gateway, then move it");
    }

    /** Writes {@code log} into the marker (made at this start, or left by an unclean stop) and syncs it. */
    public static void record(Path marker, Path log) throws IOException {
        try (FileChannel file = FileChannel.open(marker, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            file.write(StandardCharsets.UTF_8.encode(log.toAbsolutePath().normalize().toString()));
            file.force(true);
        }
    }

    private static boolean same(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
}
