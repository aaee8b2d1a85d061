package org.cpisgateway.config;

/** The flag store and message journal ({@code cpis.store.*}, {@code cpis.journal.*}). */
public record StoreSettings(String url, String user, String password, int poolSize, boolean syncEachCommit,
                            int journalRetentionDays) {

    static StoreSettings read(SettingsReader r) {
        return new StoreSettings(r.text("cpis.store.url"), r.text("cpis.store.user"), r.text("cpis.store.password"),
                r.integer("cpis.store.pool-size"), r.bool("cpis.store.sync-each-commit"),
                r.integer("cpis.journal.retention-days"));
    }

    public boolean embedded() {
        return url.startsWith("jdbc:h2:");
    }

    /**
     * Where the embedded store on disk keeps its write-ahead log: beside its file ({@code <file>.wal/}); null for
     * PostgreSQL (its commit is durable) and an in-memory H2 (nothing is).
     */
    public java.nio.file.Path walDirectory() {
        String prefix = "jdbc:h2:file:";
        if (!url.startsWith(prefix)) {
            return null;
        }
        int end = url.indexOf(';');
        return java.nio.file.Path.of(url.substring(prefix.length(), end < 0 ? url.length() : end) + ".wal");
    }

    public boolean postgres() {
        return url.startsWith("jdbc:postgresql:");
    }
}
