package org.cpisgateway.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The {@code wal_mark} row: the last write-ahead log batch the store holds, written in that batch's transaction. */
final class WalMark {

    private WalMark() {
    }

    static long read(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select last_sequence from wal_mark where id = 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    static void write(Connection c, long sequence) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update wal_mark set last_sequence = ? where id = 1")) {
            ps.setLong(1, sequence);
            ps.executeUpdate();
        }
    }
}
