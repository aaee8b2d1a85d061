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

    public boolean postgres() {
        return url.startsWith("jdbc:postgresql:");
    }
}
