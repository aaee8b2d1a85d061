package org.cpisgateway.upload;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.cpisgateway.core.NhsNumber;
import org.cpisgateway.core.Plan;
import org.cpisgateway.core.PlanType;
import org.cpisgateway.core.PlanUploadRules;
import org.cpisgateway.store.PlanTable;

/**
 * A snapshot (the authority's complete current list), in the upload's transaction: the authority's plans open before
 * it that none of its accepted rows mentions are ended today.
 */
final class SnapshotApply {

    private final PlanTable store;
    private final String authority;
    private final LocalDate today;
    private final List<Plan> openBefore;
    private final Set<String> mentioned = new HashSet<>();

    private SnapshotApply(PlanTable store, String authority, LocalDate today, List<Plan> openBefore) {
        this.store = store;
        this.authority = authority;
        this.today = today;
        this.openBefore = openBefore;
    }

    /** Notes the authority's plans open now, before any row of the snapshot is applied. */
    static SnapshotApply begin(PlanTable store, Connection c, String authority, LocalDate today) throws SQLException {
        return new SnapshotApply(store, authority, today, store.openPlansOf(c, authority, today));
    }

    /** A row of the snapshot that was accepted: its plan stays. */
    void mentioned(PlanRow row) {
        mentioned.add(identity(NhsNumber.normalise(row.nhsNumber()), PlanType.fromCode(row.planType()),
                PlanUploadRules.date(row.startDate())));
    }

    /** Ends today each plan open before that no accepted row mentioned; returns them as the report lists them. */
    List<String> endUnmentioned(Connection c) throws SQLException {
        List<String> ended = new ArrayList<>();
        for (Plan p : openBefore) {
            if (!mentioned.contains(identity(p.nhsNumber(), p.type(), p.startDate()))) {
                store.upsert(c, new Plan(p.nhsNumber(), p.type(), p.startDate(), today, authority));
                ended.add(p.nhsNumber() + " " + p.type() + " " + p.startDate());
            }
        }
        return ended;
    }

    int openBefore() {
        return openBefore.size();
    }

    private static String identity(String nhs, PlanType type, LocalDate start) {
        return nhs + "|" + type + "|" + start;
    }
}
