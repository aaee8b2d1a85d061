package org.cpisgateway.upload;

import java.io.BufferedReader;
import java.io.Reader;
import java.io.StringReader;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import com.google.common.base.Utf8;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.cpisgateway.broker.BrokerSecurity;
import org.cpisgateway.core.IsoTime;
import org.cpisgateway.core.StoreUnavailableException;
import org.cpisgateway.store.PlanTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes an authority's upload (from its queue, or its folder through {@link FolderUploads}), reads it
 * ({@link PlanRowReader}), applies it to the flag store and reports on it: every row gets its own outcome
 * ({@link PlanRowApply}, the rules of {@link org.cpisgateway.core.PlanUploadRules}), one bad row never rejects the
 * rest, and no row is half-applied. Uploads are deltas (rows not mentioned stay) and idempotent, so re-sending an
 * upload (for instance after a crash midway) gives the same end state.
 * <p>
 * Actions: empty or {@code UPSERT} creates the plan or updates its end date; {@code END} sets the end date of an
 * existing plan; {@code DELETE} removes it (deleting a plan that is not there is accepted: the end state is the
 * one asked for). A plan is identified by NHS number, type and start date.
 * <p>
 * An upload with a sequence number, a snapshot and a dry run are applied in one transaction that begins by claiming
 * the sequence number ({@link OneTransactionUpload}, {@link UploadSequence}), so two uploads of one authority (its
 * queue and its folder, or two gateways on one PostgreSQL) are applied one after the other and an older one never
 * lands after a newer one. A plain delta is written 500 rows to a transaction ({@link DeltaUpload}). The store
 * failing (anything but its refusal of one row) fails the whole upload with {@link StoreUnavailableException}: the
 * queue message is delivered again, the file stays in the inbox, and nothing is reported as rejected that was not.
 */
public class PlanUpload {

    /** The header the upload routes put the authority code in (the authority whose queue or folder was used). */
    public static final String AUTHORITY = "cpisAuthority";

    private static final Logger LOG = LoggerFactory.getLogger(PlanUpload.class);

    private final BrokerSecurity security;
    private final Clock clock;
    private final DeltaUpload delta;
    private final OneTransactionUpload oneTransaction;
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
        this.security = security;
        this.clock = clock;
        PlanRowApply rows = new PlanRowApply(store);
        this.delta = new DeltaUpload(store, rows);
        this.oneTransaction = new OneTransactionUpload(store, rows, clock, snapshotMaxEndPercent);
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
            return report(oneTransaction.apply(rows, options, authority), options, uploadId, authority, source, name,
                    sentBy, format, receivedAt, rows.size());
        }
        List<RowOutcome> outcomes = delta.apply(rows, authority);
        return report(new AppliedUpload(UploadReport.APPLIED, null, outcomes, List.of()), options, uploadId,
                authority, source, name, sentBy, upload.format(), receivedAt, rows.size());
    }

    private UploadReport report(AppliedUpload applied, UploadOptions options, String uploadId, String authority,
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

    private UploadReport notApplied(String authority, String source, String name, String sentBy, String format,
                                    String outcome, String why) {
        String t = now();
        return new UploadReport(UUID.randomUUID().toString(), authority, source, name, sentBy, format, t, t, 0, 0, 0,
                why, List.of(), outcome, null, null, false, List.of());
    }

    /** A name as it can go in a log line: control characters (a line end in a file name) replaced. */
    static String loggable(String name) {
        return name == null ? null : name.replaceAll("\\p{Cntrl}", "?");
    }

    private String now() {
        return IsoTime.of(OffsetDateTime.now(clock.withZone(ZoneOffset.UTC)));
    }
}
