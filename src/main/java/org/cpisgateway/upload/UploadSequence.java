package org.cpisgateway.upload;

import java.sql.Connection;
import java.sql.SQLException;

import org.cpisgateway.store.PlanTable;

/**
 * An authority's own increasing upload numbers: an upload that carries one claims it first thing in its transaction,
 * by compare-and-set ({@link PlanTable#claimSequence}), so two uploads of one authority (its queue and its folder, or
 * two gateways on one PostgreSQL) are applied one after the other and an older one never lands after a newer one.
 */
final class UploadSequence {

    private UploadSequence() {
    }

    /**
     * Claims {@code sequence} for the authority in the transaction of {@code c}.
     *
     * @param sequence the upload's number, or null when it carries none (nothing is claimed)
     * @return why the upload is stale (its number is not after the last one applied), or null when claimed
     */
    static String claim(PlanTable store, Connection c, String authority, Long sequence) throws SQLException {
        if (sequence == null) {
            return null;
        }
        Long last = store.claimSequence(c, authority, sequence);
        return last == null ? null : "sequence " + sequence + " is not after the last applied upload's " + last
                + ": nothing applied (an older batch must not undo a newer one)";
    }
}
