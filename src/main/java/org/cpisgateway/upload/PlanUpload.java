package org.cpisgateway.upload;

import java.io.BufferedReader;
import java.io.Reader;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.google.common.base.Utf8;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.cpisgateway.broker.BrokerSecurity;
import org.cpisgateway.core.IsoTime;
import org.cpisgateway.core.NhsNumber;
import org.cpisgateway.core.Plan;
import org.cpisgateway.core.PlanType;
import org.cpisgateway.core.StoreUnavailableException;
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
 * <p>
 * An upload with a sequence number, a snapshot and a dry run are applied in one transaction that begins by claiming
 * the sequence number ({@link PlanTable#claimSequence}), so two uploads of one authority (its queue and its folder,
 * or two gateways on one PostgreSQL) are applied one after the other and an older one never lands after a newer one.
 * A plain delta is written 500 rows to a transaction. The store failing (anything but its refusal of one row) fails
 * the whole upload with {@link StoreUnavailableException}: the queue message is delivered again, the file stays in the
 * inbox, and nothing is reported as rejected that was not.
 */
public class PlanUpload {

    /** The header the upload routes put the authority code in (the authority whose queue or folder was used). */
    public static final String AUTHORITY = "cpisAuthority";

    private static final Logger LOG = LoggerFactory.getLogger(PlanUpload.class);
    static final int BATCH = 500;

    private final PlanTable store;
    private final BrokerSecurity security;
    private final Clock clock;
    private final int snapshotMaxEndPercent;
    private final long maxBytes;
    private final int maxRows;

    /**
     * @param snapshotMaxEndPercent a snapshot that would end more than this share of the authority's open plans is
     *                              refused unless it says {@code force}
     * @param maxBytes              a larger upload is refused whole without being read ({@code cpis.uploads.max-bytes})
     * @param maxRows               one with more rows is refused whole ({@code cpis.uploads.max-rows})
     */
    public PlanUpload(PlanTable store, BrokerSecurity security, Clock clock, int snapshotMaxEndPercent,
                      long maxBytes, int maxRows) {
        this.store = store;
        this.security = security;
        this.clock = clock;
        this.snapshotMaxEndPercent = snapshotMaxEndPercent;
        this.maxBytes = maxBytes;
        this.maxRows = maxRows;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /**
     * An upload from {@code cpis.upload.<authority>}. The broker lets only the authority's users send there; on top of
     * that, {@code validatedUser} (JMSXUserID, stamped by Artemis on core messages) must be one of them. Artemis 2.44
     * does not stamp messages sent over AMQP 1.0 ({@code AMQPMessage} ignores {@code setValidatedUserID}), so for
     * those the broker's send permission is the check; {@code AuthoritySideTest} pins that gap.
     */
    public UploadReport fromQueue(@Body String body, @Header("JMSXUserID") String validatedUser,
                                  @Header("JMSMessageID") String messageId, @Header(AUTHORITY) String authority) {
        if (security != null && validatedUser != null && !security.usersOf(authority).contains(validatedUser)) {
            LOG.warn("Upload on the queue of authority {} from broker user '{}', who does not act for it: refused",
                    authority, validatedUser);
            return notApplied(authority, "queue", messageId, null, null, UploadReport.REFUSED,
                    "the sending broker user does not act for authority " + authority);
        }
        String text = body == null ? "" : body;
        long bytes = Utf8.encodedLength(text);
        if (bytes > maxBytes) {
            return tooLarge(authority, "queue", messageId, validatedUser, bytes);
        }
        try {
            return process(new StringReader(text), authority, "queue", messageId, validatedUser);
        } catch (StoreUnavailableException tryAgainLater) {
            throw tryAgainLater; // the broker delivers the message again
        } catch (RuntimeException e) {
            return failed(authority, "queue", messageId, validatedUser, e);
        }
    }

    /** The report of an upload of {@code bytes} bytes, over {@code cpis.uploads.max-bytes}: nothing read or applied. */
    public UploadReport tooLarge(String authority, String source, String name, String sentBy, long bytes) {
        LOG.warn("Upload ({} {}) from authority {} refused: {} bytes, over cpis.uploads.max-bytes ({})", source,
                loggable(name), authority, bytes, maxBytes);
        return notApplied(authority, source, name, sentBy, null, UploadReport.TOO_LARGE, "the upload is " + bytes
                + " bytes, over the limit of " + maxBytes + " (cpis.uploads.max-bytes): nothing applied; send the "
                + "rows in several uploads, or ask for the limit to be raised");
    }

    /**
     * The report of an upload whose processing stopped on something unforeseen (not the store being unavailable,
     * which is tried again): the rows of a plain delta before it may have been applied, which sending it again repeats
     * harmlessly.
     */
    public UploadReport failed(String authority, String source, String name, String sentBy, RuntimeException e) {
        LOG.error("Upload ({} {}) from authority {} failed", source, loggable(name), authority, e);
        return notApplied(authority, source, name, sentBy, null, UploadReport.FAILED, "the gateway could not "
                + "process this upload (" + e.getClass().getSimpleName() + "; its log has the details); rows before "
                + "the failure may have been applied, and sending the upload again is safe");
    }

    /**
     * Reads the upload from {@code text} (once, as a stream) and applies it.
     *
     * @throws StoreUnavailableException when the store could not be read or written: nothing is reported, the
     *                                   upload is to be tried again as a whole
     */
    public UploadReport process(Reader text, String authority, String source, String name, String sentBy) {
        String receivedAt = now();
        String uploadId = UUID.randomUUID().toString();
        BufferedReader in = new BufferedReader(text);
        String format = "csv";
        PlanRowReader.ReadUpload upload;
        try {
            format = PlanRowReader.formatOf(in);
            upload = PlanRowReader.read(in, maxRows);
        } catch (java.io.IOException | UnreadableUpload e) {
            // a parser's message can quote the upload (NHS numbers): the log gets the gateway's words and a position
            LOG.warn("Upload {} ({} {}) from authority {} unreadable: {}", uploadId, source, loggable(name), authority,
                    e instanceof UnreadableUpload u ? u.forLog() : e.getClass().getSimpleName());
            return new UploadReport(uploadId, authority, source, name, sentBy, format, receivedAt, now(), 0, 0, 0,
                    e.getMessage(), List.of(), UploadReport.UNREADABLE, null, null, false, List.of());
        } catch (PlanRowReader.TooManyRows e) {
            LOG.warn("Upload {} ({} {}) from authority {} refused: {}", uploadId, source, loggable(name), authority,
                    e.getMessage());
            return new UploadReport(uploadId, authority, source, name, sentBy, format, receivedAt, now(), 0, 0, 0,
                    e.getMessage(), List.of(), UploadReport.TOO_MANY_ROWS, null, null, false, List.of());
        }
        UploadOptions options = upload.options();
        List<PlanRow> rows = upload.rows();
        if (options.sequence() != null || options.snapshot() || options.dryRun()) {
            Applied whole;
            try {
                whole = whole(rows, options, authority, false);
            } catch (RowRefused refused) {
                try {
                    whole = whole(rows, options, authority, true);
                } catch (RowRefused cannotHappen) {
                    throw new IllegalStateException(cannotHappen);
                }
            }
            return report(whole, options, uploadId, authority, source, name, sentBy, format, receivedAt, rows.size());
        }
        List<RowOutcome> outcomes = apply(rows, authority);
        Database.syncToDisk(store.dataSource()); // the report promises these rows: make them survive a power cut first
        return report(new Applied(UploadReport.APPLIED, null, outcomes, List.of()), options, uploadId, authority,
                source, name, sentBy, upload.format(), receivedAt, rows.size());
    }

    /** What applying an upload came to. */
    private record Applied(String outcome, String error, List<RowOutcome> outcomes, List<String> ended) {
    }

    /** The store refused a row in a transaction that cannot go on past it: the upload is applied again row by row. */
    private static final class RowRefused extends Exception {
        RowRefused(SQLException cause) {
            super(cause);
        }
    }

    private UploadReport report(Applied applied, UploadOptions options, String uploadId, String authority,
                                String source, String name, String sentBy, String format, String receivedAt, int rows) {
        List<RowOutcome> rejected = applied.outcomes().stream().filter(o -> !o.accepted()).toList();
        String mode = options.snapshot() ? "snapshot" : "delta";
        if (UploadReport.STALE_SEQUENCE.equals(applied.outcome())) {
            LOG.warn("Upload {} ({} {}) from authority {} refused: {}", uploadId, source, loggable(name), authority,
                    applied.error());
            return new UploadReport(uploadId, authority, source, name, sentBy, format, receivedAt, now(), rows, 0, 0,
                    applied.error(), List.of(), applied.outcome(), options.sequence(), mode, options.dryRun(),
                    List.of());
        }
        LOG.info("Upload {} ({} {}) from authority {}: {} {} rows, {} accepted, {} rejected, {} plans ended: {}",
                uploadId, source, loggable(name), authority, mode, rows, rows - rejected.size(), rejected.size(),
                applied.ended().size(), applied.outcome());
        return new UploadReport(uploadId, authority, source, name, sentBy, format, receivedAt, now(), rows,
                rows - rejected.size(), rejected.size(), applied.error(), rejected, applied.outcome(),
                options.sequence(), mode, options.dryRun(), applied.ended());
    }

    /**
     * An upload with a sequence number, a snapshot or a dry run: the sequence number claimed and every row applied in
     * one transaction; for a snapshot, the authority's open plans that the upload does not mention are ended today.
     * A dry run, or a snapshot that would end more than the allowed share without {@code force}, is rolled back: the
     * report says what would have changed.
     *
     * @param eachRowApart each row in a savepoint of its own, so that a row the store refuses is rejected alone
     *                     (rather than throwing {@link RowRefused})
     */
    private Applied whole(List<PlanRow> rows, UploadOptions options, String authority, boolean eachRowApart)
            throws RowRefused {
        LocalDate today = LocalDate.now(clock);
        try (Connection c = store.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                if (options.sequence() != null) {
                    Long last = store.claimSequence(c, authority, options.sequence());
                    if (last != null) {
                        c.rollback();
                        return new Applied(UploadReport.STALE_SEQUENCE, "sequence " + options.sequence()
                                + " is not after the last applied upload's " + last + ": nothing applied (an older "
                                + "batch must not undo a newer one)", List.of(), List.of());
                    }
                }
                List<Plan> openBefore = options.snapshot() ? store.openPlansOf(c, authority, today) : List.of();
                List<RowOutcome> outcomes = new ArrayList<>(rows.size());
                Set<String> mentioned = new HashSet<>();
                for (PlanRow row : rows) {
                    RowOutcome outcome = eachRowApart ? applyRowApart(c, row, authority) : applyRow(c, row, authority);
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
                    c.commit();
                    Database.syncToDisk(c);
                } else {
                    c.rollback();
                }
                return new Applied(outcome, error, outcomes, ended);
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

    /** {@link #applyRow} in a savepoint: a row the store refuses is rolled back alone and rejected (CPR07-10). */
    private RowOutcome applyRowApart(Connection c, PlanRow row, String authority) throws SQLException {
        Savepoint before = c.setSavepoint();
        try {
            RowOutcome outcome = applyRow(c, row, authority);
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

    private static RowOutcome notStored(PlanRow row, SQLException e) {
        return new RowOutcome(row.row(), row.nhsNumber(), RowOutcome.REJECTED,
                "could not be stored: " + e.getClass().getSimpleName(), RowOutcome.NOT_STORED);
    }

    private static String identity(String nhs, PlanType type, LocalDate start) {
        return nhs + "|" + type + "|" + start;
    }

    private UploadReport notApplied(String authority, String source, String name, String sentBy, String format,
                                    String outcome, String why) {
        String t = now();
        return new UploadReport(UUID.randomUUID().toString(), authority, source, name, sentBy, format, t, t, 0, 0, 0,
                why, List.of(), outcome, null, null, false, List.of());
    }

    List<RowOutcome> apply(List<PlanRow> rows, String authority) {
        List<RowOutcome> outcomes = new ArrayList<>(rows.size());
        for (int from = 0; from < rows.size(); from += BATCH) {
            List<PlanRow> batch = rows.subList(from, Math.min(rows.size(), from + BATCH));
            outcomes.addAll(applyBatch(batch, authority));
        }
        return outcomes;
    }

    /**
     * One transaction for the batch; if the store refuses a row, each row again in a transaction of its own. The store
     * failing otherwise fails the upload (the batches before stay: a delta sent again gives the same end state).
     */
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
                if (!Database.refusedRow(e)) {
                    throw e;
                }
                List<RowOutcome> outcomes = new ArrayList<>(batch.size());
                for (PlanRow row : batch) {
                    try {
                        outcomes.add(applyRow(c, row, authority));
                        c.commit();
                    } catch (SQLException rowFailure) {
                        c.rollback();
                        if (!Database.refusedRow(rowFailure)) {
                            throw rowFailure;
                        }
                        outcomes.add(notStored(row, rowFailure));
                    }
                }
                return outcomes;
            }
        } catch (SQLException storeDown) {
            throw new StoreUnavailableException("flag store unavailable", storeDown);
        }
    }

    /** A name as it can go in a log line: control characters (a line end in a file name) replaced. */
    static String loggable(String name) {
        return name == null ? null : name.replaceAll("\\p{Cntrl}", "?");
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
}
