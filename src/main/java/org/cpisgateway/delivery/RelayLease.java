package org.cpisgateway.delivery;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which gateway sends the outbox's notifications when several share one PostgreSQL store: the one holding a
 * PostgreSQL session advisory lock. It is held on a connection of its own for as long as that gateway lives; if the
 * gateway dies its connection closes, the lock is released and another gateway takes it at its next relay round.
 * One sender for all instances keeps each authority's notifications in order and never sends one twice at once
 * (Artemis's duplicate detection alone let two concurrent sends of one id through, see docs/deployment.md).
 *
 * <p>With the embedded H2 store there is one gateway per store, and the lease is always held.
 */
public interface RelayLease {

    /** True when this gateway is the sender now. */
    boolean held();

    static RelayLease forStore(String url, String user, String password) {
        return url.startsWith("jdbc:postgresql:") ? new PostgresAdvisoryLock(url, user, password) : () -> true;
    }

    final class PostgresAdvisoryLock implements RelayLease, AutoCloseable {

        private static final Logger LOG = LoggerFactory.getLogger(PostgresAdvisoryLock.class);
        /** The lock's key: "CPISRLY" in ASCII, so that it is recognisable in pg_locks. */
        static final long KEY = 0x43504953524c59L;

        private final String url;
        private final String user;
        private final String password;
        private Connection connection;
        private boolean held;

        PostgresAdvisoryLock(String url, String user, String password) {
            this.url = url;
            this.user = user;
            this.password = password;
        }

        @Override
        public synchronized boolean held() {
            try {
                if (connection == null || !connection.isValid(2)) {
                    if (held) {
                        LOG.warn("Lost the relay lease (store connection closed); trying to take it again");
                    }
                    held = false;
                    closeQuietly();
                    connection = DriverManager.getConnection(url, user, password);
                }
                if (!held) {
                    try (PreparedStatement ps = connection.prepareStatement("select pg_try_advisory_lock(?)")) {
                        ps.setLong(1, KEY);
                        try (ResultSet rs = ps.executeQuery()) {
                            held = rs.next() && rs.getBoolean(1);
                        }
                    }
                    if (held) {
                        LOG.info("This gateway now sends the notifications of every gateway sharing the store");
                    }
                }
                return held;
            } catch (SQLException storeDown) {
                held = false;
                closeQuietly();
                return false;
            }
        }

        private void closeQuietly() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // it is gone anyway
                }
                connection = null;
            }
        }

        @Override
        public synchronized void close() {
            held = false;
            closeQuietly();
        }
    }
}
