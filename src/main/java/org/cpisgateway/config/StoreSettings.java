package org.cpisgateway.config;

/**
 * The flag store and message journal ({@code cpis.store.*}, {@code cpis.journal.*}). {@code walDir} is where the
 * embedded store on disk keeps its write-ahead log; empty: beside the store's file.
 */
public record StoreSettings(String url, String user, String password, int poolSize, boolean syncEachCommit,
                            String walDir, int journalRetentionDays) {

    static StoreSettings read(SettingsReader r) {
        StoreSettings s = new StoreSettings(r.text("cpis.store.url"), r.text("cpis.store.user"),
                r.text("cpis.store.password"), r.integer("cpis.store.pool-size"), r.bool("cpis.store.sync-each-commit"),
                r.text("cpis.store.wal-dir"), r.integer("cpis.journal.retention-days"));
        if (!s.walDir().isEmpty() && s.besideEmbeddedFile(".wal") == null) {
            r.problem("cpis.store.wal-dir is set, but only the embedded store on disk has a write-ahead log "
                    + "(PostgreSQL makes its own commits durable; an in-memory store keeps nothing): "
                    + "leave it empty");
        }
        return s;
    }

    public boolean embedded() {
        return url.startsWith("jdbc:h2:");
    }

    /**
     * Where the embedded store on disk keeps its write-ahead log: {@code cpis.store.wal-dir}, or beside its file
     * ({@code <file>.wal/}) when that is empty; null for PostgreSQL (its commit is durable) and an in-memory H2
     * (nothing is).
     */
    public java.nio.file.Path walDirectory() {
        java.nio.file.Path beside = walDirectoryBesideFile();
        return beside == null || walDir.isEmpty() ? beside : java.nio.file.Path.of(walDir);
    }

    /** Where the write-ahead log is when {@code cpis.store.wal-dir} is empty (as it always was before the setting). */
    public java.nio.file.Path walDirectoryBesideFile() {
        return besideEmbeddedFile(".wal");
    }

    /**
     * The embedded store on disk's in-use marker ({@code <file>.in-use}): there while the gateway runs, removed once
     * the store has closed cleanly; null for PostgreSQL and an in-memory H2.
     */
    public java.nio.file.Path inUseMarker() {
        return besideEmbeddedFile(".in-use");
    }

    /** The embedded store's file (as the URL names it) with this suffix; null when the store is not H2 on disk. */
    private java.nio.file.Path besideEmbeddedFile(String suffix) {
        String prefix = "jdbc:h2:file:";
        if (!url.startsWith(prefix)) {
            return null;
        }
        int end = url.indexOf(';');
        return java.nio.file.Path.of(url.substring(prefix.length(), end < 0 ? url.length() : end) + suffix);
    }

    public boolean postgres() {
        return url.startsWith("jdbc:postgresql:");
    }
}
