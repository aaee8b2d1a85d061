package org.cpisgateway.store;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start, before traffic: the records the {@link WriteAheadLog} holds beyond the store's {@link WalMark} (batches
 * acknowledged but not yet in H2's file when the process stopped) written into the store again, exactly as they were
 * written the first time. A message the store already holds is passed over.
 */
final class JournalReplay {

    private static final Logger LOG = LoggerFactory.getLogger(JournalReplay.class);

    /**
     * Where the log stood after the replay.
     *
     * @param mark         the last record number the store now holds; the log has forgotten up to it
     * @param lastSequence the last record number written (the next batch is numbered after it)
     */
    record Replayed(long mark, long lastSequence) {
    }

    private JournalReplay() {
    }

    static Replayed replay(DataSource dataSource, WriteAheadLog wal) throws SQLException, IOException {
        long mark;
        try (Connection c = dataSource.getConnection()) {
            mark = WalMark.read(c);
            int replayed = 0;
            for (WriteAheadLog.Logged record : wal.loaded()) {
                if (record.sequence() <= mark) {
                    continue;
                }
                c.setAutoCommit(false);
                for (JournalRows rows : JournalRows.decodeAll(record.data())) {
                    Savepoint sp = c.setSavepoint();
                    try {
                        JournalRowMapping.write(c, rows);
                        replayed++;
                    } catch (SQLException e) {
                        c.rollback(sp);
                        if (!SqlErrors.isDuplicateKey(e)) {
                            throw e;
                        }
                    }
                }
                WalMark.write(c, record.sequence());
                c.commit();
                mark = record.sequence();
            }
            c.setAutoCommit(true);
            Database.syncToDisk(c);
            if (replayed > 0) {
                LOG.info("Store brought up to date from the write-ahead log: {} message(s) written again", replayed);
            }
        }
        wal.forgetUpTo(mark);
        return new Replayed(mark, Math.max(mark, wal.lastLoadedSequence()));
    }
}
