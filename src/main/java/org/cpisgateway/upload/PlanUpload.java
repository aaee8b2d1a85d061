package org.cpisgateway.upload;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.cpisgateway.broker.BrokerSecurity;
import org.cpisgateway.core.IsoTime;
import org.cpisgateway.core.NhsNumber;
import org.cpisgateway.core.Plan;
import org.cpisgateway.core.PlanType;
import org.cpisgateway.store.Database;
import org.cpisgateway.store.PlanTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies an authority's upload to the flag store, row by row: every row gets its own outcome, one bad row never
 * rejects the rest, and no row is half-applied. Uploads are deltas (rows not mentioned stay) and idempotent, so
 * re-sending an upload (for instance after a crash midway) gives the same end state.
 * <p>
 * Actions: empty or {@code UPSERT} creates the plan or updates its end date; {@code END} sets the end date of an
 * existing plan; {@code DELETE} removes it (deleting a plan that is not there is accepted: the end state is the
 * one asked for). A plan is identified by NHS number, type and start date.
 */
public class PlanUpload {

    private static final Logger LOG = LoggerFactory.getLogger(PlanUpload.class);
    static final int BATCH = 500;

    private final PlanTable store;
    private final BrokerSecurity security;

    private final java.time.Clock clock;
    private final int snapshotMaxEndPercent;

    public PlanUpload(PlanTable store, BrokerSecurity security, java.time.Clock clock) {
        this(store, security, clock, 10);
    }

    /**
     * @param snapshotMaxEndPercent a snapshot that would end more than this share of the authority's open plans is
     *                              refused unless it says {@code force}
     */
    public PlanUpload(PlanTable store, BrokerSecurity security, java.time.Clock clock, int snapshotMaxEndPercent) {
        this.snapshotMaxEndPercent = snapshotMaxEndPercent;
        this.clock = clock;
        this.store = store;
        this.security = security;
    }

    /**
     * An upload from {@code cpis.upload.<authority>}. The broker lets only the authority's users send there; on top of
     * that, {@code validatedUser} (JMSXUserID, stamped by Artemis on core messages) must be one of them. Artemis 2.44
     * does not stamp messages sent over AMQP 1.0 ({@code AMQPMessage} ignores {@code setValidatedUserID}), so for
     * those the broker's send permission is the check; {@code AuthoritySideTest} pins that gap.
     */
    public UploadReport fromQueue(String body, String validatedUser, String messageId, String authority) {
        if (security != null && validatedUser != null && !security.usersOf(authority).contains(validatedUser)) {
            LOG.warn("Upload on the queue of authority {} from broker user '{}', who does not act for it: refused",
                    authority, validatedUser);
            return refused(authority, "queue", messageId,
                    "the sending broker user does not act for authority " + authority);
        }
        return process(body, authority, "queue", messageId, validatedUser);
    }

    /** An upload dropped in the authority's inbox folder. */
    public UploadReport fromFile(String body, String fileName, String authority) {
        return process(body, authority, "file", fileName, null);
    }

    public UploadReport process(String body, String authority, String source, String name, String sentBy) {
        String receivedAt = now();
        String uploadId = UUID.randomUUID().toString();
        String text = body == null ? "" : body;
        String format = PlanRowReader.looksLikeJson(text) ? "json" : "csv";
        List<PlanRow> rows;
        UploadOptions options;
        try {
            options = UploadOptions.of(text);
            rows = PlanRowReader.read(text);
        } catch (PlanRowReader.UnreadableUpload e) {
            LOG.warn("Upload {} ({} {}) from authority {} unreadable: {}", uploadId, source, name, authority,
                    e.getMessage());
            return new UploadReport(uploadId, authority, source, name, sentBy, format, receivedAt, now(), 0, 0, 0,
                    e.getMessage(), List.of());
        }
        String mode = options.snapshot() ? "snapshot" : "delta";
        try {
            Long last = options.sequence() == null ? null : store.lastSequence(authority);
            if (last != null && options.sequence() <= last) {
                LOG.warn("Upload {} ({} {}) from authority {} refused: sequence {} is not after {}", uploadId, source,
                        name, authority, options.sequence(), last);
                return new UploadReport(uploadId, authority, source, name, sentBy, format, receivedAt, now(),
                        rows.size(), 0, 0, "sequence " + options.sequence() + " is not after the last applied upload's "
                        + last + ": nothing applied (an older batch must not undo a newer one)", List.of(),
                        UploadReport.STALE_SEQUENCE, options.sequence(), mode, options.dryRun(), List.of());
            }
        } catch (SQLException storeDown) {
            throw new org.cpisgateway.core.StoreUnavailableException("flag store unavailable", storeDown);
        }
        if (options.snapshot() || options.dryRun()) {
            return whole(rows, options, uploadId, authority, source, name, sentBy, format, receivedAt);
        }
        List<RowOutcome> outcomes = apply(rows, authority);
        if (options.sequence() != null) {
            recordSequence(authority, options.sequence());
        }
        Database.syncToDisk(store.dataSource()); // the report promises these rows: make them survive a power cut first
        List<RowOutcome> rejected = outcomes.stream().filter(o -> !o.accepted()).toList();
        LOG.info("Upload {} ({} {}) from authority {}: {} rows, {} accepted, {} rejected", uploadId, source, name,
                authority, rows.size(), rows.size() - rejected.size(), rejected.size());
        return new UploadReport(uploadId, authority, source, name, sentBy, format, receivedAt, now(), rows.size(),
                rows.size() - rejected.size(), rejected.size(), null, rejected, UploadReport.APPLIED,
                options.sequence(), mode, false, List.of());
    }

    /**
     * A snapshot, or a dry run: every row in one transaction; for a snapshot, the authority's open plans that the
     * upload does not mention are ended today. A dry run, or a snapshot that would end more than the allowed share
     * without {@code force}, is rolled back: the report says what would have changed.
     */
    private UploadReport whole(List<PlanRow> rows, UploadOptions options, String uploadId, String authority,
                               String source, String name, String sentBy, String format, String receivedAt) {
        LocalDate today = LocalDate.now(clock);
        try (Connection c = store.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                List<Plan> openBefore = options.snapshot() ? store.openPlansOf(c, authority, today) : List.of();
                List<RowOutcome> outcomes = new ArrayList<>(rows.size());
                java.util.Set<String> mentioned = new java.util.HashSet<>();
                for (PlanRow row : rows) {
                    RowOutcome outcome = applyRow(c, row, authority);
                    outcomes.add(outcome);
                    if (outcome.accepted()) {
                        mentioned.add(identity(NhsNumber.normalise(row.nhsNumber()),
                                PlanType.fromCode(row.planType()), date(row.startDate())));
                    }
                }
                List<String> ended = new ArrayList<>();
                for (Plan p : openBefore) {
                    if (!mentioned.contains(identity(p.nhsNumber(), p.type(), p.startDate()))) {
                        store.upsert(c, new Plan(p.nhsNumber(), p.type(), p.startDate(), today, authority));
                        ended.add(p.nhsNumber() + " " + p.type() + " " + p.startDate());
                    }
                }
                List<RowOutcome> rejected = outcomes.stream().filter(o -> !o.accepted()).toList();
                String outcome = UploadReport.APPLIED;
                String error = null;
                boolean tooMany = options.snapshot() && !options.force()
                        && ended.size() * 100L > (long) snapshotMaxEndPercent * openBefore.size();
                if (options.dryRun()) {
                    outcome = UploadReport.DRY_RUN;
                } else if (tooMany) {
                    outcome = UploadReport.SNAPSHOT_TOO_LARGE;
                    error = "this snapshot would end " + ended.size() + " of " + openBefore.size() + " open plans, "
                            + "more than " + snapshotMaxEndPercent + "% (cpis.uploads.snapshot-max-end-percent): "
                            + "nothing applied; check the list, then send it again with force";
                }
                if (outcome.equals(UploadReport.APPLIED)) {
                    if (options.sequence() != null) {
                        store.recordSequence(c, authority, options.sequence());
                    }
                    c.commit();
                    Database.syncToDisk(store.dataSource());
                } else {
                    c.rollback();
                }
                LOG.info("Upload {} ({} {}) from authority {}: {} {} rows, {} accepted, {} rejected, {} plans ended: {}",
                        uploadId, source, name, authority, options.snapshot() ? "snapshot" : "delta", rows.size(),
                        rows.size() - rejected.size(), rejected.size(), ended.size(), outcome);
                return new UploadReport(uploadId, authority, source, name, sentBy, format, receivedAt, now(),
                        rows.size(), rows.size() - rejected.size(), rejected.size(), error, rejected, outcome,
                        options.sequence(), options.snapshot() ? "snapshot" : "delta", options.dryRun(), ended);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException storeDown) {
            throw new org.cpisgateway.core.StoreUnavailableException("flag store unavailable", storeDown);
        }
    }

    private static String identity(String nhs, PlanType type, LocalDate start) {
        return nhs + "|" + type + "|" + start;
    }

    private void recordSequence(String authority, long sequence) {
        try (Connection c = store.dataSource().getConnection()) {
            store.recordSequence(c, authority, sequence);
        } catch (SQLException storeDown) {
            throw new org.cpisgateway.core.StoreUnavailableException("flag store unavailable", storeDown);
        }
    }

    private UploadReport refused(String authority, String source, String name, String why) {
        String t = now();
        return new UploadReport(UUID.randomUUID().toString(), authority, source, name, null, null, t, t, 0, 0, 0,
                why, List.of(), UploadReport.REFUSED, null, null, false, List.of());
    }

    List<RowOutcome> apply(List<PlanRow> rows, String authority) {
        List<RowOutcome> outcomes = new ArrayList<>(rows.size());
        for (int from = 0; from < rows.size(); from += BATCH) {
            List<PlanRow> batch = rows.subList(from, Math.min(rows.size(), from + BATCH));
            outcomes.addAll(applyBatch(batch, authority));
        }
        return outcomes;
    }

    /** One transaction for the batch; if the database refuses, each row again in a transaction of its own. */
    private List<RowOutcome> applyBatch(List<PlanRow> batch, String authority) {
        try (Connection c = store.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                List<RowOutcome> outcomes = new ArrayList<>(batch.size());
                for (PlanRow row : batch) {
                    outcomes.add(applyRow(c, row, authority));
                }
                c.commit();
                return outcomes;
            } catch (SQLException e) {
                c.rollback();
                List<RowOutcome> outcomes = new ArrayList<>(batch.size());
                for (PlanRow row : batch) {
                    try {
                        outcomes.add(applyRow(c, row, authority));
                        c.commit();
                    } catch (SQLException rowFailure) {
                        c.rollback();
                        outcomes.add(new RowOutcome(row.row(), row.nhsNumber(), RowOutcome.REJECTED,
                                "could not be stored: " + rowFailure.getClass().getSimpleName(),
                                RowOutcome.NOT_STORED));
                    }
                }
                return outcomes;
            }
        } catch (SQLException storeDown) {
            throw new org.cpisgateway.core.StoreUnavailableException("flag store unavailable", storeDown);
        }
    }

    RowOutcome applyRow(Connection c, PlanRow row, String authority) throws SQLException {
        String nhs = NhsNumber.normalise(row.nhsNumber());
        String problem = NhsNumber.problem(nhs);
        if (problem != null) {
            return reject(row, RowOutcome.FORMAT_INCORRECT, problem);
        }
        PlanType type = PlanType.fromCode(row.planType());
        if (type == null) {
            return reject(row, RowOutcome.PLAN_TYPE, "unknown plan type '" + nz(row.planType()) + "': use CPP, LAC or UCP");
        }
        if (row.authorityCode() != null && !row.authorityCode().equalsIgnoreCase(authority)) {
            return reject(row, RowOutcome.OTHER_AUTHORITY_NAMED, "row names authority " + row.authorityCode()
                    + " but this upload is from " + authority);
        }
        LocalDate start = date(row.startDate());
        if (start == null) {
            return reject(row, RowOutcome.START_DATE, "start_date missing or not a date (YYYY-MM-DD)");
        }
        LocalDate end = null;
        if (row.endDate() != null) {
            end = date(row.endDate());
            if (end == null) {
                return reject(row, RowOutcome.END_DATE, "end_date is not a date (YYYY-MM-DD)");
            }
            if (end.isBefore(start)) {
                return reject(row, RowOutcome.END_BEFORE_START, "end_date is before start_date");
            }
        }
        String action = row.action() == null ? "UPSERT" : PlanRowReader.upper(row.action());
        String owner = store.ownerOf(c, nhs, type, start);
        if (owner != null && !owner.equals(authority)) {
            return reject(row, RowOutcome.HELD_BY_ANOTHER, "this plan is held by another authority");
        }
        switch (action) {
            case "UPSERT", "CREATE", "UPDATE" -> store.upsert(c, new Plan(nhs, type, start, end, authority));
            case "END" -> {
                if (end == null) {
                    return reject(row, RowOutcome.END_WITHOUT_DATE, "END needs an end_date");
                }
                if (owner == null) {
                    return reject(row, RowOutcome.NO_SUCH_PLAN, "no such plan to end (NHS number, type and start date)");
                }
                store.upsert(c, new Plan(nhs, type, start, end, authority));
            }
            case "DELETE" -> store.delete(c, nhs, type, start);
            default -> {
                return reject(row, RowOutcome.UNKNOWN_ACTION, "unknown action '" + row.action()
                        + "': use UPSERT (or empty), END or DELETE");
            }
        }
        return new RowOutcome(row.row(), row.nhsNumber(), RowOutcome.ACCEPTED, null);
    }

    /** @param rule CPR04, or a CPR07 sub-code (the row is then CPR07 with that rule) */
    private static RowOutcome reject(PlanRow row, String rule, String reason) {
        return rule.startsWith(RowOutcome.REJECTED)
                ? new RowOutcome(row.row(), row.nhsNumber(), RowOutcome.REJECTED, reason, rule)
                : new RowOutcome(row.row(), row.nhsNumber(), rule, reason, null);
    }

    static LocalDate date(String s) {
        if (s == null) {
            return null;
        }
        try {
            return LocalDate.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private String now() {
        return IsoTime.of(OffsetDateTime.now(clock.withZone(ZoneOffset.UTC)));
    }

    /** The name a handled upload file and its report are kept under: the time it was taken, then its own name. */
    public String keptName(String fileName) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")
                .format(java.time.LocalDateTime.now(clock.withZone(ZoneOffset.UTC))) + "-" + fileName;
    }
}
