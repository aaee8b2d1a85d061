package org.cpisgateway.store;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

/** The store's connection pool, migrated to the current schema by Flyway on start. */
public final class Database {

    private Database() {
    }

    public static HikariDataSource open(String url, String user, String password, int poolSize) {
        HikariDataSource dataSource = pool(url, user, password, poolSize);
        migrate(dataSource);
        return dataSource;
    }

    /** The pool alone, not yet migrated. */
    public static HikariDataSource pool(String url, String user, String password, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("cpis-store");
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setConnectionTimeout(5_000);
        return new HikariDataSource(config);
    }

    /**
     * Forces everything committed so far to the disk device (embedded H2 only: it writes each commit to its file but
     * does not fsync it; PostgreSQL syncs commits itself).
     */
    public static void syncToDisk(DataSource dataSource) {
        try (java.sql.Connection c = dataSource.getConnection()) {
            syncToDisk(c);
        } catch (java.sql.SQLException e) {
            throw new org.cpisgateway.core.StoreUnavailableException("flag store unavailable", e);
        }
    }

    /** {@link #syncToDisk(DataSource)} on a connection already open. */
    public static void syncToDisk(java.sql.Connection c) throws java.sql.SQLException {
        if (c.getMetaData().getURL().startsWith("jdbc:h2:")) {
            try (var s = c.createStatement()) {
                s.execute("CHECKPOINT SYNC");
            }
        }
    }

    /**
     * Whether the store refused this statement for its data (a constraint, a value it cannot hold: SQLSTATE classes 22
     * and 23), as opposed to failing (a lost connection, a full disk, a lock it could not get in time, anything
     * else). A refused row can be rejected alone; a failure must fail the whole operation, to be tried again.
     */
    public static boolean refusedRow(java.sql.SQLException e) {
        String state = e.getSQLState();
        return e instanceof java.sql.SQLIntegrityConstraintViolationException || e instanceof java.sql.SQLDataException
                || state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    public static void migrate(DataSource dataSource) {
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    }
}
