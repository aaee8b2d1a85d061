package org.cpisgateway;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.h2.api.Trigger;

/**
 * The flag store failing while a plan is written, on a real H2 database: a trigger on the {@code plan} table that
 * fails the statement writing one of the chosen NHS numbers the way a full disk does (SQLSTATE 53100), for as long
 * as the outage lasts. The connection stays usable, as it does for a full disk, a lock not granted in time or a
 * cancelled statement; a lost connection (SQLSTATE 08...) is closed by the pool instead.
 */
public class StoreOutage implements Trigger {

    private static final Set<String> FAILING = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger FAILED = new AtomicInteger();

    /** Makes writing a plan for {@code nhsNumber} fail on the store behind {@code c}, from now until {@link #end}. */
    public static void begin(Connection c, String nhsNumber) throws SQLException {
        FAILING.add(nhsNumber);
        try (Statement s = c.createStatement()) {
            s.execute("create trigger if not exists store_outage before insert, update on plan for each row call \""
                    + StoreOutage.class.getName() + "\"");
        }
    }

    public static void end(Connection c) throws SQLException {
        FAILING.clear();
        try (Statement s = c.createStatement()) {
            s.execute("drop trigger if exists store_outage");
        }
    }

    /** How many writes have failed so far. */
    public static int failures() {
        return FAILED.get();
    }

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        if (newRow != null && FAILING.contains(String.valueOf(newRow[1]).trim())) {
            FAILED.incrementAndGet();
            throw new SQLException("could not extend file: no space left on device", "53100");
        }
    }
}
