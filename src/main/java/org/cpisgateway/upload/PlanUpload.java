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

    public PlanUpload(PlanTable store, BrokerSecurity security, java.time.Clock clock) {
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
        String format = PlanRowReader.looksLikeJson(body == null ? "" : body) ? "json" : "csv";
        List<PlanRow> rows;
        try {
            rows = PlanRowReader.read(body == null ? "" : body);
        } catch (PlanRowReader.UnreadableUpload e) {
            LOG.warn("Upload {} ({} {}) from authority {} unreadable: {}", uploadId, source, name, authority,
                    e.getMessage());
            return new UploadReport(uploadId, authority, source, name, sentBy, format, receivedAt, now(), 0, 0, 0,
                    e.getMessage(), List.of());
        }
        List<RowOutcome> outcomes = apply(rows, authority);
        Database.syncToDisk(store.dataSource()); // the report promises these rows: make them survive a power cut first
        List<RowOutcome> rejected = outcomes.stream().filter(o -> !o.accepted()).toList();
        LOG.info("Upload {} ({} {}) from authority {}: {} rows, {} accepted, {} rejected", uploadId, source, name,
                authority, rows.size(), rows.size() - rejected.size(), rejected.size());
        return new UploadReport(uploadId, authority, source, name, sentBy, format, receivedAt, now(), rows.size(),
                rows.size() - rejected.size(), rejected.size(), null, rejected);
    }

    private UploadReport refused(String authority, String source, String name, String why) {
        String t = now();
        return new UploadReport(UUID.randomUUID().toString(), authority, source, name, null, null, t, t, 0, 0, 0,
                why, List.of());
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
                                "could not be stored: " + rowFailure.getClass().getSimpleName()));
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
            return reject(row, RowOutcome.REJECTED, "unknown plan type '" + nz(row.planType()) + "': use CPP, LAC or UCP");
        }
        if (row.authorityCode() != null && !row.authorityCode().equalsIgnoreCase(authority)) {
            return reject(row, RowOutcome.REJECTED, "row names authority " + row.authorityCode()
                    + " but this upload is from " + authority);
        }
        LocalDate start = date(row.startDate());
        if (start == null) {
            return reject(row, RowOutcome.REJECTED, "start_date missing or not a date (YYYY-MM-DD)");
        }
        LocalDate end = null;
        if (row.endDate() != null) {
            end = date(row.endDate());
            if (end == null) {
                return reject(row, RowOutcome.REJECTED, "end_date is not a date (YYYY-MM-DD)");
            }
            if (end.isBefore(start)) {
                return reject(row, RowOutcome.REJECTED, "end_date is before start_date");
            }
        }
        String action = row.action() == null ? "UPSERT" : PlanRowReader.upper(row.action());
        String owner = store.ownerOf(c, nhs, type, start);
        if (owner != null && !owner.equals(authority)) {
            return reject(row, RowOutcome.REJECTED, "this plan is held by another authority");
        }
        switch (action) {
            case "UPSERT", "CREATE", "UPDATE" -> store.upsert(c, new Plan(nhs, type, start, end, authority));
            case "END" -> {
                if (end == null) {
                    return reject(row, RowOutcome.REJECTED, "END needs an end_date");
                }
                if (owner == null) {
                    return reject(row, RowOutcome.REJECTED, "no such plan to end (NHS number, type and start date)");
                }
                store.upsert(c, new Plan(nhs, type, start, end, authority));
            }
            case "DELETE" -> store.delete(c, nhs, type, start);
            default -> {
                return reject(row, RowOutcome.REJECTED, "unknown action '" + row.action()
                        + "': use UPSERT (or empty), END or DELETE");
            }
        }
        return new RowOutcome(row.row(), row.nhsNumber(), RowOutcome.ACCEPTED, null);
    }

    private static RowOutcome reject(PlanRow row, String code, String reason) {
        return new RowOutcome(row.row(), row.nhsNumber(), code, reason);
    }

    private static LocalDate date(String s) {
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
        return OffsetDateTime.now(clock.withZone(ZoneOffset.UTC)).toString();
    }

    /** The name a handled upload file and its report are kept under: the time it was taken, then its own name. */
    public String keptName(String fileName) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")
                .format(java.time.LocalDateTime.now(clock.withZone(ZoneOffset.UTC))) + "-" + fileName;
    }
}
