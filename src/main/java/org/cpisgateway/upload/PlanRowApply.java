package org.cpisgateway.upload;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;

import org.cpisgateway.core.PlanUploadRules;
import org.cpisgateway.store.Database;
import org.cpisgateway.store.PlanTable;

/**
 * One row of an upload applied in the caller's transaction: the row's own rules ({@link PlanUploadRules#check}), the
 * plan's holder asked of the store and the rules that need it ({@link PlanUploadRules#againstHolder}), then the plan
 * written or removed. Every row gets its outcome; a rule broken changes nothing.
 */
final class PlanRowApply {

    private final PlanTable store;

    PlanRowApply(PlanTable store) {
        this.store = store;
    }

    RowOutcome apply(Connection c, PlanRow row, String authority) throws SQLException {
        PlanUploadRules.Checked checked = PlanUploadRules.check(row.nhsNumber(), row.planType(), row.startDate(),
                row.endDate(), row.action(), row.authorityCode(), authority);
        if (checked.broken() != null) {
            return reject(row, checked.broken());
        }
        String holder = store.ownerOf(c, checked.nhsNumber(), checked.type(), checked.start());
        PlanUploadRules.Broken broken = PlanUploadRules.againstHolder(checked, holder, authority);
        if (broken != null) {
            return reject(row, broken);
        }
        switch (checked.action()) {
            case UPSERT, END -> store.upsert(c, checked.plan(authority));
            case DELETE -> store.delete(c, checked.nhsNumber(), checked.type(), checked.start());
        }
        return new RowOutcome(row.row(), row.nhsNumber(), RowOutcome.ACCEPTED, null);
    }

    /** {@link #apply} in a savepoint: a row the store refuses is rolled back alone and rejected (CPR07-10). */
    RowOutcome applyApart(Connection c, PlanRow row, String authority) throws SQLException {
        Savepoint before = c.setSavepoint();
        try {
            RowOutcome outcome = apply(c, row, authority);
            c.releaseSavepoint(before);
            return outcome;
        } catch (SQLException e) {
            if (!Database.refusedRow(e)) {
                throw e;
            }
            c.rollback(before);
            return notStored(row, e);
        }
    }

    /** The outcome of a row the store refused (CPR07-10). */
    static RowOutcome notStored(PlanRow row, SQLException e) {
        return new RowOutcome(row.row(), row.nhsNumber(), RowOutcome.REJECTED,
                "could not be stored: " + e.getClass().getSimpleName(), RowOutcome.NOT_STORED);
    }

    /** CPR04, or CPR07 with the sub-code of the rule broken. */
    private static RowOutcome reject(PlanRow row, PlanUploadRules.Broken broken) {
        return broken.rule().startsWith(RowOutcome.REJECTED)
                ? new RowOutcome(row.row(), row.nhsNumber(), RowOutcome.REJECTED, broken.reason(), broken.rule())
                : new RowOutcome(row.row(), row.nhsNumber(), broken.rule(), broken.reason(), null);
    }
}
