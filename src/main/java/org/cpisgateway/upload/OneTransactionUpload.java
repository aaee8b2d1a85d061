package org.cpisgateway.upload;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.cpisgateway.core.PlanUploadRules;
import org.cpisgateway.core.StoreUnavailableException;
import org.cpisgateway.store.Database;
import org.cpisgateway.store.PlanTable;

/**
 * An upload with a sequence number, a snapshot or a dry run, applied in one transaction: the sequence number claimed
 * ({@link UploadSequence}), every row applied, and for a snapshot the authority's open plans that the upload does not
 * mention ended today ({@link SnapshotApply}). A dry run, or a snapshot that would end more than the allowed share
 * without {@code force}, is rolled back: the report says what would have changed.
 */
final class OneTransactionUpload {

    private final PlanTable store;
    private final PlanRowApply rows;
    private final Clock clock;
    private final int snapshotMaxEndPercent;

    OneTransactionUpload(PlanTable store, PlanRowApply rows, Clock clock, int snapshotMaxEndPercent) {
        this.store = store;
        this.rows = rows;
        this.clock = clock;
        this.snapshotMaxEndPercent = snapshotMaxEndPercent;
    }

    /**
     * Applies the upload; first with the rows together, and when the store refuses one of them (which ends the
     * transaction) again with each row in a savepoint of its own, so that the refused row is rejected alone.
     *
     * @throws StoreUnavailableException when the store failed otherwise
     */
    AppliedUpload apply(List<PlanRow> upload, UploadOptions options, String authority) {
        try {
            return apply(upload, options, authority, false);
        } catch (RowRefused refused) {
            try {
                return apply(upload, options, authority, true);
            } catch (RowRefused cannotHappen) {
                throw new IllegalStateException(cannotHappen);
            }
        }
    }

    /** The store refused a row in a transaction that cannot go on past it: the upload is applied again row by row. */
    private static final class RowRefused extends Exception {
        RowRefused(SQLException cause) {
            super(cause);
        }
    }

    /**
     * @param eachRowApart each row in a savepoint of its own, so that a row the store refuses is rejected alone
     *                     (rather than throwing {@link RowRefused})
     */
    private AppliedUpload apply(List<PlanRow> upload, UploadOptions options, String authority, boolean eachRowApart)
            throws RowRefused {
        LocalDate today = LocalDate.now(clock);
        try (Connection c = store.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                String stale = UploadSequence.claim(store, c, authority, options.sequence());
                if (stale != null) {
                    c.rollback();
                    return new AppliedUpload(UploadReport.STALE_SEQUENCE, stale, List.of(), List.of());
                }
                SnapshotApply snapshot = options.snapshot() ? SnapshotApply.begin(store, c, authority, today) : null;
                List<RowOutcome> outcomes = new ArrayList<>(upload.size());
                for (PlanRow row : upload) {
                    RowOutcome outcome = eachRowApart ? rows.applyApart(c, row, authority)
                            : rows.apply(c, row, authority);
                    outcomes.add(outcome);
                    if (outcome.accepted() && snapshot != null) {
                        snapshot.mentioned(row);
                    }
                }
                List<String> ended = snapshot == null ? List.of() : snapshot.endUnmentioned(c);
                String outcome = UploadReport.APPLIED;
                String error = null;
                if (options.dryRun()) {
                    outcome = UploadReport.DRY_RUN;
                } else if (snapshot != null && !options.force() && PlanUploadRules.snapshotEndsTooMany(ended.size(),
                        snapshot.openBefore(), snapshotMaxEndPercent)) {
                    outcome = UploadReport.SNAPSHOT_TOO_LARGE;
                    error = "this snapshot would end " + ended.size() + " of " + snapshot.openBefore()
                            + " open plans, more than " + snapshotMaxEndPercent
                            + "% (cpis.uploads.snapshot-max-end-percent): nothing applied; check the list, then send "
                            + "it again with force";
                }
                if (outcome.equals(UploadReport.APPLIED)) {
                    c.commit();
                    Database.syncToDisk(c);
                } else {
                    c.rollback();
                }
                return new AppliedUpload(outcome, error, outcomes, ended);
            } catch (SQLException e) {
                c.rollback();
                if (!eachRowApart && Database.refusedRow(e)) {
                    throw new RowRefused(e);
                }
                throw e;
            } catch (RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException storeDown) {
            throw new StoreUnavailableException("flag store unavailable", storeDown);
        }
    }
}
