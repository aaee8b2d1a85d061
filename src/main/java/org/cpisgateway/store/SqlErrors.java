package org.cpisgateway.store;

import java.sql.SQLException;

/** What a database's error says, read the same way on H2 and PostgreSQL. */
final class SqlErrors {

    private SqlErrors() {
    }

    /** An integrity constraint violation (SQLState class 23): here, a row that is already there. */
    static boolean isDuplicateKey(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (x.getSQLState() != null && x.getSQLState().startsWith("23")) {
                return true;
            }
        }
        return false;
    }
}
