package org.cpisgateway.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnels;

/**
 * Which NHS numbers may have a plan, held in memory so that an attendance of a child with none (nearly all of them)
 * asks the store nothing. A Bloom filter (Guava's): "no" is certain, "maybe" is checked in the store (about 1 in 100
 * numbers without a plan, and every number with one). It only ever grows: a plan written adds its number before the
 * row is written; a plan removed leaves its number, which then costs a look-up that finds nothing. Filled from the
 * plan table at start.
 *
 * <p>Only for a store that no other process writes (the embedded H2, which one process opens): with PostgreSQL another
 * gateway's upload would not be seen here.
 */
public final class PlanHolders {

    private static final double FALSE_POSITIVES = 0.01;
    private final BloomFilter<CharSequence> numbers;

    private PlanHolders(long expected) {
        numbers = BloomFilter.create(Funnels.stringFunnel(StandardCharsets.US_ASCII), expected, FALSE_POSITIVES);
    }

    /** The numbers of every plan in the store, with room for the store to grow to several times that. */
    public static PlanHolders load(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            long count;
            try (PreparedStatement ps = c.prepareStatement("select count(*) from plan");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                count = rs.getLong(1);
            }
            PlanHolders holders = new PlanHolders(Math.max(1_000_000, 4 * count));
            try (PreparedStatement ps = c.prepareStatement("select nhs_number from plan")) {
                ps.setFetchSize(10_000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        holders.add(rs.getString(1).trim());
                    }
                }
            }
            return holders;
        }
    }

    /** False only when no plan was ever written for the number here. */
    public boolean mayHavePlan(String nhsNumber) {
        return numbers.mightContain(nhsNumber);
    }

    void add(String nhsNumber) {
        numbers.put(nhsNumber);
    }
}
