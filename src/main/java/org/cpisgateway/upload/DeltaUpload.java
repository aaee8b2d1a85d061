package org.cpisgateway.upload;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.cpisgateway.core.StoreUnavailableException;
import org.cpisgateway.store.Database;
import org.cpisgateway.store.PlanTable;

/**
 * A plain delta (no sequence number, not a snapshot, not a dry run): written {@value #BATCH} rows to a transaction.
 * The batches before a failure stay: a delta sent again gives the same end state.
 */
final class DeltaUpload {

    static final int BATCH = 500;

    private final PlanTable store;
    private final PlanRowApply rows;

    DeltaUpload(PlanTable store, PlanRowApply rows) {
        this.store = store;
        this.rows = rows;
    }

    /**
     * Applies the rows and syncs the store (the report promises these rows: they survive a power cut first).
     *
     * @throws StoreUnavailableException when the store failed otherwise than by refusing a row
     */
    List<RowOutcome> apply(List<PlanRow> upload, String authority) {
        List<RowOutcome> outcomes = new ArrayList<>(upload.size());
        for (int from = 0; from < upload.size(); from += BATCH) {
            List<PlanRow> batch = upload.subList(from, Math.min(upload.size(), from + BATCH));
            outcomes.addAll(applyBatch(batch, authority));
        }
        Database.syncToDisk(store.dataSource());
        return outcomes;
    }

    /**
     * One transaction for the batch; if the store refuses a row, each row again in a transaction of its own. The store
     * failing otherwise fails the upload.
     */
    private List<RowOutcome> applyBatch(List<PlanRow> batch, String authority) {
        try (Connection c = store.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                List<RowOutcome> outcomes = new ArrayList<>(batch.size());
                for (PlanRow row : batch) {
                    outcomes.add(rows.apply(c, row, authority));
                }
                c.commit();
                return outcomes;
            } catch (SQLException e) {
                c.rollback();
                if (!Database.refusedRow(e)) {
                    throw e;
                }
                List<RowOutcome> outcomes = new ArrayList<>(batch.size());
                for (PlanRow row : batch) {
                    try {
                        outcomes.add(rows.apply(c, row, authority));
                        c.commit();
                    } catch (SQLException rowFailure) {
                        c.rollback();
                        if (!Database.refusedRow(rowFailure)) {
                            throw rowFailure;
                        }
                        outcomes.add(PlanRowApply.notStored(row, rowFailure));
                    }
                }
                return outcomes;
            }
        } catch (SQLException storeDown) {
            throw new StoreUnavailableException("flag store unavailable", storeDown);
        }
    }
}
